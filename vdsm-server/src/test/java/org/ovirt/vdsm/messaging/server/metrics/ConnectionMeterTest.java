package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.server.guard.SlowReaderGuard;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;

/** What one connection's meter reports, driven by the events of its pipeline. */
class ConnectionMeterTest {
  private final List<String> reported = new ArrayList<>();
  private final ServerMetrics recorder = new ServerMetrics() {
    @Override
    public void connectionOpened(String protocol) {
      reported.add("opened " + protocol);
    }

    @Override
    public void connectionClosed(String protocol) {
      reported.add("closed " + protocol);
    }

    @Override
    public void tlsHandshakeFailed(TlsFailure reason) {
      reported.add("tls " + reason.label());
    }

    @Override
    public void heartBeatLost() {
      reported.add("heart-beat lost");
    }

    @Override
    public void slowConsumerCut() {
      reported.add("slow consumer");
    }
  };

  @Test
  void aDetectedConnectionIsCountedUntilItCloses() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionMeter(recorder));
    ConnectionMeter.detected(ch.pipeline(), "stomp");
    ConnectionMeter.detected(ch.pipeline(), "stomp"); // once only
    ch.pipeline().fireUserEventTriggered(StompHeartBeatHandler.PEER_SILENT);
    ch.close();
    assertThat(reported).containsExactly("opened stomp", "heart-beat lost", "closed stomp");
  }

  @Test
  void aConnectionThatNeverGotAProtocolIsNotCountedAsOpen() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionMeter(recorder));
    ch.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SslHandshakeTimeoutException("late")));
    ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    ch.close();
    assertThat(reported).containsExactly("tls timeout");
  }

  @Test
  void aSlowReaderCutIsCountedAndTheEventGoesOn() {
    List<Object> after = new ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionMeter(recorder), new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
        after.add(evt);
      }
    });
    ch.pipeline().fireUserEventTriggered(SlowReaderGuard.SLOW_READER);
    assertThat(reported).containsExactly("slow consumer");
    assertThat(after).containsExactly(SlowReaderGuard.SLOW_READER);
    ch.finishAndReleaseAll();
  }

  @Test
  void withoutAMeterDetectionChangesNothing() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ConnectionMeter.detected(ch.pipeline(), "xmlrpc");
    assertThat(ch.pipeline().names()).doesNotContain(ConnectionMeter.TAIL_NAME);
    ch.finishAndReleaseAll();
  }
}

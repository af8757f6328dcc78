package org.ovirt.vdsm.messaging.stomp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ovirt.vdsm.messaging.stomp.client.SessionRecorder.bytes;
import static org.ovirt.vdsm.messaging.stomp.client.SessionRecorder.written;

import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;

/**
 * What a {@link StompClientSession} writes for its user (byte-exact, flushed or not), what it tells
 * about itself, which frames it hands on, ignores or refuses, and where it installs the heart-beat.
 */
class StompClientSessionUseTest {

  private final SessionRecorder recorder = new SessionRecorder();
  private EmbeddedChannel ch;

  @AfterEach
  void close() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  private StompClientSession connected(HeartBeat offer, String connected) {
    StompClientSession session = new StompClientSession("host:1", "host", offer, 1.5, recorder);
    ch = recorder.channel(session, true);
    written(ch);
    ch.writeInbound(bytes(connected));
    return session;
  }

  private StompClientSession connected() {
    return connected(HeartBeat.NONE, "CONNECTED\nversion:1.2\n\n\0");
  }

  @Test
  void tellsItsNameStateContextAndChannel() {
    StompClientSession session = new StompClientSession("host:1", "host", new HeartBeat(1000, 1000), 1.5, recorder);
    assertThat(session.name()).isEqualTo("host:1");
    assertThat(session.context()).isNull();
    assertThat(session.channel()).isNull();
    assertThat(session.isConnected()).isFalse();
    assertThat(session.negotiated()).isEqualTo(HeartBeat.Negotiated.NONE);
    ch = recorder.channel(session, true);
    assertThat(session.context()).isSameAs(ch.pipeline().context(session));
    assertThat(session.channel()).isSameAs(ch);
    assertThat(session.isConnected()).isFalse();
    ch.writeInbound(bytes("CONNECTED\nversion:1.2\nheart-beat:3000,0\n\n\0"));
    assertThat(session.isConnected()).isTrue();
    assertThat(session.negotiated()).isEqualTo(new HeartBeat.Negotiated(0, 3000));
  }

  @Test
  void writesConnectWhenActiveAndPassesTheEventOn() {
    StompClientSession session = new StompClientSession("host:1", "engine.example", new HeartBeat(0, 5000), 1.5, recorder);
    ch = recorder.channel(session, false);
    assertThat(written(ch)).isEmpty();
    ch.pipeline().fireChannelActive();
    assertThat(written(ch)).isEqualTo("CONNECT\naccept-version:1.2\nhost:engine.example\nheart-beat:0,5000\naccept-batched-frames:true\n\n\0");
    assertThat(recorder.passedOn).containsExactly("active");
  }

  @Test
  void subscribeIsWrittenWithAckAutoAndGoesOutOnFlush() {
    StompClientSession session = connected();
    session.subscribe("jms.topic.vdsm_responses", "sub-1");
    assertThat(written(ch)).isEmpty();
    session.flush();
    assertThat(written(ch)).isEqualTo("SUBSCRIBE\ndestination:jms.topic.vdsm_responses\nid:sub-1\nack:auto\n\n\0");
  }

  @Test
  void unsubscribeIsWrittenAndGoesOutOnFlush() {
    StompClientSession session = connected();
    session.unsubscribe("sub-1");
    assertThat(written(ch)).isEmpty();
    session.flush();
    assertThat(written(ch)).isEqualTo("UNSUBSCRIBE\nid:sub-1\n\n\0");
  }

  @Test
  void sendWritesTheFrameAndItsFutureCompletesOnFlush() {
    StompClientSession session = connected();
    StompFrame frame = StompFrame.builder(StompCommand.SEND).header("destination", "d").body("{}").build();
    ChannelFuture future = session.send(frame);
    assertThat(future.isDone()).isFalse();
    session.flush();
    assertThat(future.isSuccess()).isTrue();
    assertThat(written(ch)).isEqualTo("SEND\ndestination:d\ncontent-length:2\n\n{}\0");
  }

  @Test
  void disconnectIsWrittenAndFlushedAtOnce() {
    StompClientSession session = connected();
    session.disconnect("r-7");
    assertThat(written(ch)).isEqualTo("DISCONNECT\nreceipt:r-7\n\n\0");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void writesRefuseMissingArguments() {
    StompClientSession session = connected();
    assertThatThrownBy(() -> session.subscribe(null, "s")).hasMessage("destination");
    assertThatThrownBy(() -> session.subscribe("d", null)).hasMessage("id");
    assertThatThrownBy(() -> session.unsubscribe(null)).hasMessage("id");
    assertThatThrownBy(() -> session.send(null)).hasMessage("frame");
    session.flush();
    assertThat(written(ch)).isEmpty();
  }

  @Test
  void aReceiptWithoutItsIdIsReportedAsNull() {
    connected();
    ch.writeInbound(bytes("RECEIPT\n\n\0"));
    assertThat(recorder.events).containsExactly("started", "receipt null");
  }

  @Test
  void framesAClientDoesNotExpectAreIgnored() {
    connected();
    ch.writeInbound(bytes("SEND\ndestination:d\n\n\0ACK\nid:1\n\n\0"));
    assertThat(recorder.events).containsExactly("started");
    assertThat(ch.isOpen()).isTrue();
    assertThat(recorder.passedOn).containsExactly("active");
  }

  @Test
  void aSecondConnectedIsIgnored() {
    StompClientSession session = connected(new HeartBeat(1000, 1000), "CONNECTED\nversion:1.2\n\n\0");
    ch.writeInbound(bytes("CONNECTED\nversion:1.2\nheart-beat:1000,1000\n\n\0"));
    assertThat(recorder.events).containsExactly("started");
    assertThat(session.negotiated()).isEqualTo(HeartBeat.Negotiated.NONE);
    assertThat(ch.pipeline().get(StompHeartBeatHandler.NAME)).isNull();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void aHeartBeatOnlyToSendInstallsTheHandlerRightBeforeTheDecoder() {
    StompClientSession session = connected(new HeartBeat(1000, 0), "CONNECTED\nversion:1.2\nheart-beat:0,2000\n\n\0");
    assertThat(session.negotiated()).isEqualTo(new HeartBeat.Negotiated(2000, 0));
    assertHeartBeatHandlerBeforeDecoder();
  }

  @Test
  void aHeartBeatOnlyToReceiveInstallsTheHandlerRightBeforeTheDecoder() {
    StompClientSession session = connected(new HeartBeat(0, 1000), "CONNECTED\nversion:1.2\nheart-beat:4000,0\n\n\0");
    assertThat(session.negotiated()).isEqualTo(new HeartBeat.Negotiated(0, 4000));
    assertHeartBeatHandlerBeforeDecoder();
  }

  private void assertHeartBeatHandlerBeforeDecoder() {
    List<String> names = ch.pipeline().names();
    assertThat(ch.pipeline().get(StompHeartBeatHandler.NAME)).isInstanceOf(StompHeartBeatHandler.class);
    assertThat(names.indexOf(StompHeartBeatHandler.NAME)).isEqualTo(names.indexOf(StompClientSession.DECODER) - 1);
  }

  @Test
  void refusesMissingPartsAndAGraceBelowOne() {
    HeartBeat hb = HeartBeat.NONE;
    assertThatThrownBy(() -> new StompClientSession(null, "h", hb, 1.5, recorder)).hasMessage("name");
    assertThatThrownBy(() -> new StompClientSession("n", null, hb, 1.5, recorder)).hasMessage("hostHeader");
    assertThatThrownBy(() -> new StompClientSession("n", "h", null, 1.5, recorder)).hasMessage("offer");
    assertThatThrownBy(() -> new StompClientSession("n", "h", hb, 1.5, null)).hasMessage("listener");
    assertThatThrownBy(() -> new StompClientSession("n", "h", hb, 1.5, recorder, null)).hasMessage("peer");
    assertThatThrownBy(() -> new StompClientSession("n", "h", hb, 0.99, recorder))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

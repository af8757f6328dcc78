package org.ovirt.vdsm.messaging.server.metrics;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.ovirt.vdsm.messaging.server.guard.SlowReaderGuard;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;

/**
 * One connection's part in the {@link ServerMetrics}: its protocol once detected (open now and in
 * total), a failed TLS handshake and its reason, a cut as a slow consumer, and (through a small
 * handler at the end of the pipeline, past the STOMP session) a heart-beat loss. Installed after
 * protocol detection, like the connection log, only when metrics are on.
 */
public final class ConnectionMeter extends ChannelInboundHandlerAdapter {
  /** This handler's name in the pipeline. */
  public static final String NAME = "metrics";
  /** The name of its heart-beat handler, last in the pipeline. */
  public static final String TAIL_NAME = "metrics-heart-beat";

  private final ServerMetrics metrics;
  private final HeartBeatLosses tail;
  private String protocol;

  /** A meter reporting to {@code metrics}. */
  public ConnectionMeter(ServerMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics");
    this.tail = new HeartBeatLosses(metrics);
  }

  /**
   * Records that {@code pipeline}'s connection speaks {@code protocol} ({@code stomp}, {@code
   * xmlrpc}; {@code +tls} is added when it runs over TLS). Call it after the protocol's handlers are
   * installed. Does nothing when the pipeline has no meter (metrics off).
   */
  public static void detected(ChannelPipeline pipeline, String protocol) {
    requireNonNull(protocol, "protocol");
    ConnectionMeter meter = pipeline.get(ConnectionMeter.class);
    if (meter == null || meter.protocol != null) {
      return;
    }
    meter.protocol = pipeline.get(SslHandler.class) != null ? protocol + "+tls" : protocol;
    meter.metrics.connectionOpened(meter.protocol);
    pipeline.addLast(TAIL_NAME, meter.tail);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      metrics.tlsHandshakeFailed(TlsFailure.of(handshake.cause()));
    } else if (evt == SlowReaderGuard.SLOW_READER) {
      metrics.slowConsumerCut();
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (protocol != null) {
      metrics.connectionClosed(protocol);
    }
    super.channelInactive(ctx);
  }

  /** Counts the heart-beat handler's "peer silent" event, which only handlers after it see. */
  @ChannelHandler.Sharable
  static final class HeartBeatLosses extends ChannelInboundHandlerAdapter {
    private final ServerMetrics metrics;

    HeartBeatLosses(ServerMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == StompHeartBeatHandler.PEER_SILENT) {
        metrics.heartBeatLost();
      }
      super.userEventTriggered(ctx, evt);
    }
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompHeartBeat;
import org.slf4j.LoggerFactory;

/**
 * Runs negotiated STOMP heart-beats on a channel: writes a heart-beat EOL when nothing else was
 * written for the send interval, and closes the channel when nothing at all arrived from the peer
 * for the receive interval times a grace factor. Place it before the frame decoder, so heart-beat
 * EOLs count as traffic. On a dead peer it fires {@link #PEER_SILENT} before closing.
 */
public final class StompHeartBeatHandler extends IdleStateHandler {
  private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(StompHeartBeatHandler.class));

  /** The user event fired when the peer was silent for longer than allowed. */
  public static final Object PEER_SILENT = new Object() {
    @Override
    public String toString() {
      return "PEER_SILENT";
    }
  };

  /** The pipeline name this handler is usually installed under. */
  public static final String NAME = "stomp-heart-beat";

  private final long deadPeerTimeoutMs;

  /**
   * @param negotiated the intervals in force (see {@link HeartBeat#negotiate})
   * @param graceFactor how many receive intervals of silence make a peer dead (at least 1)
   */
  public StompHeartBeatHandler(HeartBeat.Negotiated negotiated, double graceFactor) {
    super(
        negotiated.deadPeerTimeoutMs(graceFactor),
        negotiated.sendMs(),
        0,
        TimeUnit.MILLISECONDS);
    this.deadPeerTimeoutMs = negotiated.deadPeerTimeoutMs(graceFactor);
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
    if (evt.state() == IdleState.WRITER_IDLE) {
      // Through the whole pipeline: the frame encoder may sit after this handler.
      ctx.channel().writeAndFlush(StompHeartBeat.INSTANCE, ctx.channel().voidPromise());
    } else if (evt.state() == IdleState.READER_IDLE) {
      log.warn(
          "{}: no data or heart-beat from the peer for {} ms, closing the connection",
          ctx.channel().remoteAddress(),
          deadPeerTimeoutMs);
      ctx.fireUserEventTriggered(PEER_SILENT);
      ctx.close();
    }
  }
}

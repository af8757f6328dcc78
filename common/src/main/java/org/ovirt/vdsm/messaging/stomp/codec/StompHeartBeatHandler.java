package org.ovirt.vdsm.messaging.stomp.codec;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.slf4j.LoggerFactory;

/**
 * Runs negotiated STOMP heart-beats on a channel: writes a heart-beat EOL once nothing was written
 * for {@link HeartBeatTiming#sendAfterMs(long)} of the send interval (early enough that a strict
 * peer never sees a gap of the full interval, see {@link HeartBeatTiming}), and closes the channel
 * when nothing at all arrived from the peer for the receive interval times a grace factor. On a dead
 * peer it fires {@link #PEER_SILENT} before closing.
 *
 * <p>Place it between the transport (TLS) and the STOMP codec, before the frame decoder: every
 * flush passing it counts as traffic, and its heart-beat EOL (one {@code \n}) goes straight to the
 * transport. The peer's liveness is judged on raw bytes: the handler puts a {@link PeerReadClock}
 * first in the pipeline, before TLS, so a byte counts when it leaves the socket, not when its TLS
 * record is complete; and time during which this side does not read (its {@code autoRead} off
 * under back-pressure) never counts against the peer. A read or a flush costs one clock read; the
 * timing itself is done by the event loop's shared {@code HeartBeatWheel}, one periodic task for all
 * the channels of the loop. The channel joins the wheel when it is active and the handler is in
 * place, and leaves it when it becomes inactive or the handler is removed.
 */
public final class StompHeartBeatHandler extends ChannelDuplexHandler {
  /** Shared by every handler: a flood of dead peers costs a few lines per interval. */
  private static final RateLimitedLog SHARED_LOG = new RateLimitedLog(LoggerFactory.getLogger(StompHeartBeatHandler.class));

  /** The user event fired when the peer was silent for longer than allowed. */
  public static final Object PEER_SILENT = new Object() {
    @Override
    public String toString() {
      return "PEER_SILENT";
    }
  };

  /** The pipeline name this handler is usually installed under. */
  public static final String NAME = "stomp-heart-beat";

  /**
   * The heart-beat EOL, in direct memory: the TLS engine reads it where it is (a heap buffer would
   * be copied to direct memory for every heart-beat). Each write takes a duplicate, so channels on
   * different event loops never share its indexes; nothing ever writes into it.
   */
  private static final ByteBuf HEART_BEAT =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer(1, 1).writeByte('\n'));

  private final long sendAfterNanos;
  private final long deadPeerNanos;
  private final long deadPeerTimeoutMs;
  private final RateLimitedLog log;
  private final HeartBeatWheel.Entry entry = new HeartBeatWheel.Entry(this::onDeadline);
  private ChannelHandlerContext ctx;
  private HeartBeatWheel wheel;
  private Ticker ticker;
  private PeerReadClock reads;
  private long lastWriteNanos;

  /**
   * @param negotiated the intervals in force (see {@link HeartBeat#negotiate})
   * @param graceFactor how many receive intervals of silence make a peer dead (at least 1)
   */
  public StompHeartBeatHandler(HeartBeat.Negotiated negotiated, double graceFactor) {
    this(negotiated, graceFactor, SHARED_LOG);
  }

  /** As {@link #StompHeartBeatHandler(HeartBeat.Negotiated, double)}, warning on {@code log} (for tests). */
  StompHeartBeatHandler(HeartBeat.Negotiated negotiated, double graceFactor, RateLimitedLog log) {
    requireNonNull(negotiated, "negotiated");
    this.log = requireNonNull(log, "log");
    this.deadPeerTimeoutMs = negotiated.deadPeerTimeoutMs(graceFactor);
    this.deadPeerNanos = TimeUnit.MILLISECONDS.toNanos(deadPeerTimeoutMs);
    this.sendAfterNanos = negotiated.sendMs() == 0
        ? 0
        : TimeUnit.MILLISECONDS.toNanos(HeartBeatTiming.sendAfterMs(negotiated.sendMs()));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
    if (context.channel().isActive() && context.channel().isRegistered()) {
      join();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext context) throws Exception {
    join();
    super.channelActive(context);
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) throws Exception {
    leave();
    super.channelInactive(context);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext context) {
    leave();
    // Taken out with the handler that installed it, but not while a closed channel's pipeline is
    // being torn down (that removes every handler in its own order).
    if (reads != null && context.channel().isActive() && context.pipeline().context(reads) != null) {
      context.pipeline().remove(reads);
    }
  }

  @Override
  public void flush(ChannelHandlerContext context) throws Exception {
    if (ticker != null) {
      lastWriteNanos = ticker.nanoTime();
    }
    context.flush();
  }

  private void join() {
    if (wheel != null || (sendAfterNanos == 0 && deadPeerNanos == 0)) {
      return;
    }
    wheel = HeartBeatWheel.of(ctx.executor());
    ticker = wheel.ticker();
    if (deadPeerNanos > 0) {
      reads = ctx.pipeline().get(PeerReadClock.class);
      if (reads == null) {
        reads = new PeerReadClock(ticker);
        ctx.pipeline().addFirst(PeerReadClock.NAME, reads);
      }
    }
    lastWriteNanos = ticker.nanoTime();
    wheel.add(entry, nextDeadline(lastWriteNanos));
  }

  private void leave() {
    if (wheel != null) {
      wheel.remove(entry);
    }
  }

  /** The wheel's call: declare a silent peer dead, or send a heart-beat if due; the next deadline. */
  private long onDeadline(long nowNanos) {
    if (!ctx.channel().isActive()) {
      return -1; // closed, channelInactive not yet run (no test reaches this window)
    }
    if (deadPeerNanos > 0 && reads.silentNanos(ctx, nowNanos) >= deadPeerNanos) {
      log.warn(
          "{}: no data or heart-beat from the peer for {} ms, closing the connection"
              + " (last byte read from the socket {} ms ago, timer {} ms late)",
          ctx.channel().remoteAddress(),
          deadPeerTimeoutMs,
          TimeUnit.NANOSECONDS.toMillis(nowNanos - reads.lastNanos()),
          TimeUnit.NANOSECONDS.toMillis(nowNanos - reads.lastNanos() - deadPeerNanos));
      ctx.fireUserEventTriggered(PEER_SILENT);
      ctx.close();
      return -1;
    }
    if (sendAfterNanos > 0 && nowNanos - lastWriteNanos >= sendAfterNanos) {
      lastWriteNanos = nowNanos;
      ctx.writeAndFlush(HEART_BEAT.duplicate(), ctx.voidPromise());
    }
    return nextDeadline(nowNanos);
  }

  /**
   * The next instant the wheel must look: a heart-beat due, or the peer's silence reaching the
   * limit (while reads are paused, one full limit from now: resuming restarts the peer's clock).
   * An earlier instant only costs a wasted look, because {@link #onDeadline} decides from the clock,
   * not from when it is called: mutation testing's "return 0" here and at the end of onDeadline
   * (a look at every tick) are equivalent.
   */
  private long nextDeadline(long nowNanos) {
    long next = Long.MAX_VALUE;
    if (sendAfterNanos > 0) {
      next = lastWriteNanos + sendAfterNanos;
    }
    if (deadPeerNanos > 0) {
      next = Math.min(next, nowNanos - reads.silentNanos(ctx, nowNanos) + deadPeerNanos);
    }
    return next;
  }
}

package org.ovirt.vdsm.messaging.server.guard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.transport.KernelSendProgress;
import org.slf4j.LoggerFactory;

/**
 * Judges a peer slow by what it does over time, never by how much is queued at one instant: a
 * connection is cut only when it has stayed unwritable (more than Netty's high-water mark of bytes
 * waiting) for {@link GuardSettings#slowReaderTimeout()} without the peer taking a single byte. A
 * peer that reads, however large the answer, is never cut. It counts the bytes the socket took,
 * part by part (a large message is written in many parts), and, while the channel is unwritable,
 * looks once per timeout whether that count moved or, with the native epoll transport, whether the
 * kernel sent new data and got it acknowledged within the timeout ({@link KernelSendProgress}).
 *
 * <p>The kernel's view matters for slow readers: with an auto-tuned send buffer (up to 4 MiB) epoll
 * reports the socket writable again only after a third of it drained, so a reader slower than about
 * 45 KB/s shows no progress at Netty's level for 30 s. With the NIO transport only Netty's count is
 * available, and such a reader is cut.
 *
 * <p>At the deadline it fires {@link #SLOW_READER} down the pipeline (the STOMP session answers it
 * with ERROR "slow consumer") and closes the connection {@value #CLOSE_GRACE_SECONDS} s later if
 * nothing else has. Sits first in the pipeline, so it sees every byte leave. One per connection.
 */
public final class SlowReaderGuard extends ChannelDuplexHandler {
  /** Pipeline name of this handler. */
  public static final String NAME = "slow-reader";

  /** The user event fired at a connection whose peer stopped reading. */
  public static final Object SLOW_READER = new Object() {
    @Override
    public String toString() {
      return "SLOW_READER";
    }
  };

  static final long CLOSE_GRACE_SECONDS = 5;

  private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(SlowReaderGuard.class));

  private final long timeoutNanos;
  /** Bytes whose writes completed (taken by the socket). Event-loop confined. */
  private long drained;
  private long drainedAtLastLook;
  private ScheduledFuture<?> look;
  private boolean fired;

  public SlowReaderGuard(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    long size = msg instanceof ByteBuf b ? b.readableBytes()
        : msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    if (size == 0) {
      ctx.write(msg, promise);
      return;
    }
    // A progressive promise reports each part of a message the socket takes, so a peer reading one
    // large answer slowly shows progress long before the whole message is written.
    ChannelProgressivePromise tracked = ctx.newProgressivePromise();
    tracked.addListener(new Progress(size, promise));
    ctx.write(msg, tracked);
  }

  /** Counts the bytes of one message as the socket takes them, then completes the caller's promise. */
  private final class Progress implements ChannelProgressiveFutureListener {
    private final long size;
    private final ChannelPromise caller;
    private long counted;

    Progress(long size, ChannelPromise caller) {
      this.size = size;
      this.caller = caller;
    }

    @Override
    public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
      drained += progress - counted;
      counted = progress;
    }

    @Override
    public void operationComplete(ChannelProgressiveFuture future) {
      if (future.isSuccess()) {
        drained += size - counted;
        counted = size;
        caller.trySuccess();
      } else {
        caller.tryFailure(future.cause());
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable() && look == null && !fired) {
      drainedAtLastLook = drained;
      look = ctx.executor().schedule(() -> lookAgain(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }
    super.channelWritabilityChanged(ctx);
  }

  private void lookAgain(ChannelHandlerContext ctx) {
    look = null;
    Channel ch = ctx.channel();
    if (fired || !ch.isActive() || ch.isWritable()) {
      return; // drained below the low-water mark: a new stall starts a new deadline
    }
    long kernelMs = KernelSendProgress.msSinceDataSentAndAcked(ch);
    boolean kernelProgress = kernelMs >= 0 && kernelMs < TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    if (drained != drainedAtLastLook || kernelProgress) {
      drainedAtLastLook = drained; // the peer is reading: look again later
      look = ctx.executor().schedule(() -> lookAgain(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
      return;
    }
    fired = true;
    log.warn("{}: no byte taken by the peer for {} ms while its connection is full: closing a slow reader",
        ch.remoteAddress(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
    ctx.fireUserEventTriggered(SLOW_READER);
    ctx.executor().schedule(() -> {
      ch.close();
    }, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (look != null) {
      look.cancel(false);
      look = null;
    }
    super.channelInactive(ctx);
  }
}

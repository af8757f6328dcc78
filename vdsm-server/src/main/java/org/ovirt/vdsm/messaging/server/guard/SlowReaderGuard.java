package org.ovirt.vdsm.messaging.server.guard;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Judges a peer slow by what it does over time, never by how much is queued at one instant: a
 * connection is cut only when it has stayed unwritable (more than Netty's high-water mark of bytes
 * waiting) and the peer has taken no byte of them for {@link GuardSettings#slowReaderTimeout()}. A
 * peer that reads, however large the answer, is never cut. Built on Netty's {@link
 * IdleStateHandler} observing output progress (a partly written buffer counts as progress).
 *
 * <p>At the deadline it fires {@link #SLOW_READER} down the pipeline (the STOMP session answers it
 * with ERROR "slow consumer") and closes the connection {@value #CLOSE_GRACE_SECONDS} s later if
 * nothing else has. Sits first in the pipeline, so it sees every byte leave.
 */
public final class SlowReaderGuard extends IdleStateHandler {
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

  private final Duration timeout;
  private boolean fired;

  public SlowReaderGuard(Duration timeout) {
    super(true, 0, timeout.toNanos(), 0, TimeUnit.NANOSECONDS);
    this.timeout = timeout;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
    Channel ch = ctx.channel();
    if (fired || evt.state() != io.netty.handler.timeout.IdleState.WRITER_IDLE || ch.isWritable() || !ch.isActive()) {
      return; // nothing stuck (an idle connection, or bytes below the high-water mark), or done already
    }
    fired = true;
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    long pending = out == null ? 0 : out.totalPendingWriteBytes();
    log.warn("{}: {} bytes not taken by the peer for {} s: closing a slow reader",
        ch.remoteAddress(), pending, timeout.toSeconds());
    ctx.fireUserEventTriggered(SLOW_READER);
    ctx.executor().schedule(() -> {
      ch.close();
    }, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
  }
}

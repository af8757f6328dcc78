package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.server.guard.ServerBudgets;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.slf4j.LoggerFactory;

/**
 * Writes one session's frames from any thread, counting their bytes until written, per connection
 * and against the server-wide pending-write budget. A droppable frame (a broker message the peer
 * did not ask for) is dropped, logged, while the connection has more than its bound waiting; a frame
 * that would pass the server-wide budget is not written and {@code overBudget} runs once.
 */
final class SessionWriter {
  private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(SessionWriter.class));
  /** Bytes counted for a frame's command and headers on top of its body. */
  private static final int FRAME_OVERHEAD = 256;

  private final long maxPendingBytes;
  private final ServerBudgets budgets;
  private final Runnable overBudget;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicBoolean overBudgetSignalled = new AtomicBoolean();

  /**
   * @param maxPendingBytes bytes waiting on this connection past which droppable frames are dropped
   * @param budgets the server-wide budget
   * @param overBudget runs once, on whatever thread wrote, when a frame passes the server budget
   */
  SessionWriter(long maxPendingBytes, ServerBudgets budgets, Runnable overBudget) {
    this.maxPendingBytes = maxPendingBytes;
    this.budgets = requireNonNull(budgets, "budgets");
    this.overBudget = requireNonNull(overBudget, "overBudget");
  }

  /**
   * Writes and flushes {@code frame} on {@code ch} unless a bound says otherwise.
   *
   * @return whether the frame was written (not dropped or refused by a bound)
   */
  boolean write(Channel ch, StompFrame frame, boolean droppable) {
    long size = frame.body().length + FRAME_OVERHEAD;
    if (droppable && pendingBytes.get() + size > maxPendingBytes) {
      log.warn("{}: more than {} bytes waiting to be written: dropping a message to {}",
          ch.remoteAddress(), maxPendingBytes, frame.header(StompHeaders.DESTINATION));
      return false;
    }
    if (!budgets.reservePendingWrite(size)) {
      if (overBudgetSignalled.compareAndSet(false, true)) {
        budgets.refused(ServerBudgets.Refusal.PENDING_WRITE_BUDGET);
        overBudget.run();
      }
      return false;
    }
    pendingBytes.addAndGet(size);
    ChannelPromise written = ch.newPromise();
    written.addListener(new Release(size));
    ch.writeAndFlush(frame, written);
    return true;
  }

  /** Gives a written (or failed) frame's bytes back to both budgets. */
  private final class Release implements ChannelFutureListener {
    private final long size;

    Release(long size) {
      this.size = size;
    }

    @Override
    public void operationComplete(ChannelFuture future) {
      pendingBytes.addAndGet(-size);
      budgets.releasePendingWrite(size);
    }
  }

  /** Bytes of this connection not yet written. */
  long pendingBytes() {
    return pendingBytes.get();
  }
}

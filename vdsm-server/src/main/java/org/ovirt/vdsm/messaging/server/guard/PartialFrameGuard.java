package org.ovirt.vdsm.messaging.server.guard;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;

/**
 * Bounds the STOMP frames a connection has begun and not finished, around a pure {@link
 * StompFrameDecoder}: sits right before it and, after each read, asks it how many bytes of an
 * incomplete frame it holds.
 *
 * <ul>
 *   <li>A frame must be complete within {@link GuardSettings#frameCompletionTimeout()} of its first
 *       byte, heart-beats or not: a peer that starts frames and never ends them cannot hold memory.
 *   <li>The bytes held in partial frames by all connections together are charged to {@link
 *       ServerBudgets}; the read that passes {@link GuardSettings#maxPartialFrameBytes()} fails.
 * </ul>
 *
 * Both failures are raised as a {@link StompDecodeException} (the session answers ERROR naming the
 * bound, then closes, as for any decoding failure). One instance per connection, with its {@link
 * #completions()} handler after the decoder.
 */
public final class PartialFrameGuard extends ChannelInboundHandlerAdapter {
  /** Pipeline name of this handler. */
  public static final String NAME = "stomp-partial-frame";

  /** The error of a frame that took too long (a STOMP ERROR {@code message}). */
  public static final String FRAME_TIMEOUT = "frame not completed in time";
  /** The error of a read that passed the server-wide budget (a STOMP ERROR {@code message}). */
  public static final String BUDGET_EXCEEDED = "server busy";

  private final StompFrameDecoder decoder;
  private final ServerBudgets budgets;
  private final long timeoutNanos;
  private long charged;
  private ScheduledFuture<?> deadline;
  private boolean failed;

  public PartialFrameGuard(StompFrameDecoder decoder, ServerBudgets budgets) {
    this.decoder = requireNonNull(decoder, "decoder");
    this.budgets = requireNonNull(budgets, "budgets");
    this.timeoutNanos = budgets.settings().frameCompletionTimeout().toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.fireChannelRead(msg); // the decoder runs now, on this thread
    if (failed) {
      return;
    }
    long held = decoder.partialFrameBytes();
    boolean withinBudget = budgets.addPartialFrameBytes(held - charged);
    charged = held;
    if (held == 0) {
      cancelDeadline();
      return;
    }
    if (!withinBudget) {
      budgets.refused(ServerBudgets.Refusal.PARTIAL_FRAME_BUDGET);
      fail(ctx, BUDGET_EXCEEDED, "The host holds more than " + budgets.settings().maxPartialFrameBytes()
          + " bytes of incomplete frames from all its peers (maxPartialFrameBytes): send smaller frames or retry later.");
      return;
    }
    if (deadline == null) {
      deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** At the deadline: the frame timed is still in progress (a completed one cancels the deadline). */
  private void expire(ChannelHandlerContext ctx) {
    deadline = null;
    if (failed || decoder.partialFrameBytes() == 0) {
      return;
    }
    budgets.refused(ServerBudgets.Refusal.FRAME_TIMEOUT);
    fail(ctx, FRAME_TIMEOUT, "A frame must be complete within "
        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms of its first byte (frameCompletionTimeout).");
  }

  private void fail(ChannelHandlerContext ctx, String message, String detail) {
    failed = true;
    cancelDeadline();
    release();
    ctx.fireExceptionCaught(new StompDecodeException(message, detail));
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void release() {
    budgets.addPartialFrameBytes(-charged);
    charged = 0;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    release();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
    release();
  }

  /**
   * The handler to place right after the decoder: it tells this guard of each complete frame, so
   * that a connection streaming frames back to back gives each its own deadline.
   */
  public ChannelInboundHandlerAdapter completions() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        cancelDeadline();
        ctx.fireChannelRead(msg);
      }
    };
  }
}

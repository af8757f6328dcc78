package org.ovirt.vdsm.messaging.client.internal;

import io.netty.channel.EventLoop;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Timer} that schedules on an event loop, for tests that drive deadlines with an
 * {@code EmbeddedChannel}'s frozen clock ({@code advanceTimeBy}, {@code runScheduledPendingTasks})
 * instead of a timing wheel's thread.
 */
final class LoopTimer implements Timer {
  private final EventLoop loop;

  LoopTimer(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
    return new LoopTimeout(task, delay, unit);
  }

  @Override
  public Set<Timeout> stop() {
    return Set.of();
  }

  private final class LoopTimeout implements Timeout {
    private final TimerTask task;
    private final ScheduledFuture<?> future;

    LoopTimeout(TimerTask task, long delay, TimeUnit unit) {
      this.task = task;
      this.future = loop.schedule(() -> {
        try {
          task.run(this);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, delay, unit);
    }

    @Override
    public Timer timer() {
      return LoopTimer.this;
    }

    @Override
    public TimerTask task() {
      return task;
    }

    @Override
    public boolean isExpired() {
      return future.isDone() && !future.isCancelled();
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }

    @Override
    public boolean cancel() {
      return future.cancel(false);
    }
  }
}

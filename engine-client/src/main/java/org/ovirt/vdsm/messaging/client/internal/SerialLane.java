package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: one lane per host keeps that
 * host's answers and events in order while hosts run in parallel. At most one task of a lane is
 * queued in the pool at any time, so the pool's queue is bounded by the number of lanes.
 *
 * <p>Frames handed over by a network thread are counted in bytes: above {@code highWaterBytes} of
 * unparsed frames the lane stops reading from that channel ({@code autoRead} off) until the backlog
 * is down to half of it, so a host that sends faster than the client can parse is held back by TCP
 * instead of filling the heap. Lanes reading from one channel share its pause ({@link ReadPauses}):
 * it reads again when no lane is over its mark. (The heart-beat handler does not count the time reads
 * are paused against the host.)
 */
public final class SerialLane implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialLane.class);

  /** Tasks run in one pool turn before the lane yields the thread to other lanes. */
  static final int FAIRNESS_BATCH = 256;

  private final String name;
  private final Executor pool;
  private final long highWaterBytes;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicLong backlogBytes = new AtomicLong();
  private final AtomicReference<Channel> paused = new AtomicReference<>();

  public SerialLane(String name, Executor pool, long highWaterBytes) {
    this.name = requireNonNull(name, "name");
    this.pool = requireNonNull(pool, "pool");
    if (highWaterBytes < 1) {
      throw new IllegalArgumentException("highWaterBytes must be >= 1");
    }
    this.highWaterBytes = highWaterBytes;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(requireNonNull(task, "task"));
    schedule();
  }

  /**
   * Runs {@code task}, the processing of a frame of {@code bytes} read from {@code channel}; call it
   * on the channel's event loop.
   */
  public void executeFrame(Runnable task, int bytes, Channel channel) {
    long backlog = backlogBytes.addAndGet(bytes);
    tasks.add(() -> {
      try {
        task.run();
      } finally {
        released(bytes);
      }
    });
    if (backlog > highWaterBytes && paused.compareAndSet(null, channel)) {
      ReadPauses.hold(channel);
      log.debug("{}: {} bytes not parsed yet, pausing reads", name, backlog);
      // The backlog may have drained while pausing: do not stay paused with nothing left to resume us.
      if (backlogBytes.get() <= highWaterBytes / 2) {
        resume();
      }
    }
    schedule();
  }

  /** Bytes of frames not processed yet. */
  public long backlogBytes() {
    return backlogBytes.get();
  }

  private void released(int bytes) {
    if (backlogBytes.addAndGet(-bytes) <= highWaterBytes / 2 && paused.get() != null) {
      resume();
    }
  }

  private void resume() {
    Channel ch = paused.getAndSet(null);
    if (ch != null) {
      ch.eventLoop().execute(() -> ReadPauses.release(ch));
    }
  }

  private void schedule() {
    if (wip.getAndIncrement() == 0) {
      submitDrain();
    }
  }

  private void submitDrain() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The pool is shutting down (factory closed): finish here rather than lose completions.
      drain();
    }
  }

  private void drain() {
    int ran = 0;
    do {
      Runnable task = tasks.poll();
      if (task != null) {
        try {
          task.run();
        } catch (Throwable t) {
          log.error("{}: task failed", name, t);
        }
      }
      if (++ran >= FAIRNESS_BATCH && wip.get() > 1) {
        wip.decrementAndGet();
        submitDrain();
        return;
      }
    } while (wip.decrementAndGet() != 0);
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One hashed timer wheel per event loop for the heart-beats of all the channels on that loop: a
 * single periodic task every {@link HeartBeatTiming#TICK_MS} ms visits one bucket of due channels,
 * instead of one scheduled task per channel. Each channel sits in the bucket of the next instant it
 * may need attention (a heart-beat to send or a peer to declare dead); writes and reads only update
 * timestamps on the channel and never touch the wheel, and a channel is rescheduled only when its
 * deadline comes. The wheel exists while it holds channels: the last one leaving cancels the task and
 * forgets the wheel. Every method must be called on the wheel's event loop.
 */
final class HeartBeatWheel implements Runnable {

  /** What the wheel schedules: a channel's heart-beat state. */
  interface Client {
    /**
     * The wheel's deadline for this client has come: act, and answer the next deadline (in the
     * event loop's {@link Ticker} nanoseconds), or a negative number to leave the wheel.
     */
    long onDeadline(long nowNanos);
  }

  /** A client's place in the wheel; one per channel, reused for its whole life. */
  static final class Entry {
    final Client client;
    Entry prev;
    Entry next;
    long deadlineTick;
    int bucket = -1;

    Entry(Client client) {
      this.client = requireNonNull(client, "client");
    }
  }

  private static final int BUCKETS = 512;
  private static final int MASK = BUCKETS - 1;
  private static final ConcurrentMap<EventExecutor, HeartBeatWheel> WHEELS = new ConcurrentHashMap<>();

  private final EventExecutor loop;
  private final Ticker ticker;
  private final Entry[] heads = new Entry[BUCKETS];
  private final long startNanos;
  private long doneTick;
  private int size;
  private ScheduledFuture<?> task;

  private HeartBeatWheel(EventExecutor loop) {
    this.loop = loop;
    this.ticker = loop.ticker();
    this.startNanos = ticker.nanoTime();
  }

  /** The wheel of {@code loop}, created when it has none. Call on {@code loop}. */
  static HeartBeatWheel of(EventExecutor loop) {
    requireNonNull(loop, "loop");
    assert loop.inEventLoop();
    return WHEELS.computeIfAbsent(loop, HeartBeatWheel::new);
  }

  /** The wheel of {@code loop} if it has one (for tests: a wheel must not outlive its channels). */
  static HeartBeatWheel wheelOf(EventExecutor loop) {
    return WHEELS.get(loop);
  }

  /** The number of channels on this wheel. */
  int size() {
    return size;
  }

  /** The clock the wheel and its clients use. */
  Ticker ticker() {
    return ticker;
  }

  /** Puts {@code entry} on the wheel (it must not be on one) with its first deadline. */
  void add(Entry entry, long deadlineNanos) {
    if (entry.bucket >= 0) {
      throw new IllegalStateException("already on a wheel");
    }
    size++;
    link(entry, deadlineNanos);
    if (task == null) {
      task = loop.scheduleAtFixedRate(this, HeartBeatTiming.TICK_NANOS, HeartBeatTiming.TICK_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /** Takes {@code entry} off the wheel; nothing happens when it is not on it. */
  void remove(Entry entry) {
    if (entry.bucket >= 0) {
      unlink(entry);
      left();
    }
  }

  /** One tick: visits every bucket whose time has come since the last tick (at most one revolution). */
  @Override
  public void run() {
    long now = ticker.nanoTime();
    long target = (now - startNanos) / HeartBeatTiming.TICK_NANOS;
    // Equivalent mutants here: "doneTick - 1" revisits buckets whose clients are all due a revolution
    // later (skipped), and "size >= 0" below only visits empty buckets.
    long first = Math.max(doneTick + 1, target - MASK);
    doneTick = Math.max(doneTick, target);
    for (long tick = first; tick <= target && size > 0; tick++) {
      visit((int) (tick & MASK), target, now);
    }
  }

  private void visit(int bucket, long target, long now) {
    Entry e = heads[bucket];
    while (e != null && size > 0) { // an entry implies size > 0: "size >= 0" is equivalent
      Entry next = e.next;
      if (e.deadlineTick <= target) {
        unlink(e);
        long deadline = e.client.onDeadline(now);
        if (deadline >= 0) {
          link(e, deadline);
        } else {
          left();
        }
        if (next != null && next.bucket != bucket) {
          // The action took another client out of this bucket: start over (the clients handled in
          // this visit have deadlines after this tick now and are skipped).
          next = heads[bucket];
        }
      }
      e = next;
    }
  }

  private void left() {
    size--;
    if (size == 0) {
      task.cancel(false);
      task = null;
      WHEELS.remove(loop, this);
    }
  }

  private void link(Entry e, long deadlineNanos) {
    long tick = ceilDiv(deadlineNanos - startNanos, HeartBeatTiming.TICK_NANOS);
    tick = Math.max(tick, doneTick + 1);
    int bucket = (int) (tick & MASK);
    e.deadlineTick = tick;
    e.bucket = bucket;
    e.prev = null;
    e.next = heads[bucket];
    if (e.next != null) {
      e.next.prev = e;
    }
    heads[bucket] = e;
  }

  private void unlink(Entry e) {
    if (e.prev != null) {
      e.prev.next = e.next;
    } else {
      heads[e.bucket] = e.next;
    }
    if (e.next != null) {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
    e.bucket = -1;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}

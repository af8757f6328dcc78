package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Polls every host of a {@link FleetClient} with {@code Host.getStats} once per {@code period},
 * spread evenly: one thread ticks every {@code tick}, starts the calls of the hosts whose turn it is
 * and sweeps the calls in flight without blocking (a done future is counted, one older than {@link
 * #GIVE_UP} is counted as failed and cancelled). Both client kinds are driven by this same code, so
 * that its own cost is the same in both measurements.
 */
final class StatsPoller implements AutoCloseable {
  /** A call not answered after this long is counted as failed. */
  static final Duration GIVE_UP = Duration.ofSeconds(90);

  private record InFlight(Future<?> future, long startNanos) {}

  private final FleetClient client;
  private final int hosts;
  private final int slots;
  private final long tickNanos;
  private final Deque<InFlight> inFlight = new ArrayDeque<>();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fleet-poller");
    t.setDaemon(true);
    return t;
  });
  private volatile String firstFailure;
  private long tick;

  StatsPoller(FleetClient client, int hosts, Duration period, Duration tick) {
    this.client = requireNonNull(client, "client");
    this.hosts = hosts;
    this.tickNanos = tick.toNanos();
    this.slots = (int) (period.toNanos() / tickNanos);
    if (hosts < 1 || slots < 1) {
      throw new IllegalArgumentException("need hosts >= 1 and period >= tick");
    }
  }

  StatsPoller start() {
    thread.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    return this;
  }

  /** Calls started so far. */
  long started() {
    return started.get();
  }

  /** Calls answered with statistics so far. */
  long answered() {
    return answered.get();
  }

  /** Calls failed so far (an error, an exception, or no answer within {@link #GIVE_UP}). */
  long failed() {
    return failed.get();
  }

  /** The first failure seen, or {@code null}. */
  String firstFailure() {
    return firstFailure;
  }

  private void tick() {
    try {
      sweep();
      int slot = (int) (tick++ % slots);
      // Hosts [slot * hosts / slots, (slot + 1) * hosts / slots): every host once per period.
      int from = (int) ((long) slot * hosts / slots);
      int to = (int) ((long) (slot + 1) * hosts / slots);
      for (int i = from; i < to; i++) {
        started.incrementAndGet();
        try {
          inFlight.addLast(new InFlight(client.getStats(i), System.nanoTime()));
        } catch (Exception e) {
          fail(e.toString());
        }
      }
    } catch (RuntimeException e) {
      fail("poller: " + e);
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    for (int n = inFlight.size(); n > 0; n--) {
      InFlight call = inFlight.pollFirst();
      if (call.future().isDone()) {
        try {
          if (client.isStats(call.future())) {
            answered.incrementAndGet();
          } else {
            fail("an answer without statistics");
          }
        } catch (Exception e) {
          fail(e.toString());
        }
      } else if (now - call.startNanos() > GIVE_UP.toNanos()) {
        call.future().cancel(false);
        fail("no answer within " + GIVE_UP);
      } else {
        inFlight.addLast(call);
      }
    }
  }

  private void fail(String why) {
    failed.incrementAndGet();
    if (firstFailure == null) {
      firstFailure = why;
    }
  }

  @Override
  public void close() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(5, TimeUnit.SECONDS);
  }
}

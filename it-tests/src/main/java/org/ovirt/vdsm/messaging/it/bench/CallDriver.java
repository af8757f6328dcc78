package org.ovirt.vdsm.messaging.it.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/** Keeps a number of calls in flight for a while and records their latencies. */
final class CallDriver {
  private CallDriver() {}

  /**
   * Makes calls with {@code inFlight} outstanding at all times for {@code length}, then waits for
   * the last ones; records each latency in {@code histogram} (when not {@code null}).
   *
   * @return how many calls were made
   * @throws IllegalStateException when a call failed or answers stopped coming
   */
  static long drive(int inFlight, Supplier<CompletableFuture<?>> call, Duration length, Histogram histogram)
      throws Exception {
    Semaphore slots = new Semaphore(inFlight);
    long end = System.nanoTime() + length.toNanos();
    long calls = 0;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    while (System.nanoTime() < end && failure.get() == null) {
      if (!slots.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no answer within 30 s");
      }
      long t0 = System.nanoTime();
      call.get().whenComplete((r, e) -> {
        if (e != null) {
          failure.compareAndSet(null, e);
        } else if (histogram != null) {
          histogram.recordValue(System.nanoTime() - t0);
        }
        slots.release();
      });
      calls++;
    }
    if (!slots.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still outstanding after 60 s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed: " + failure.get(), failure.get());
    }
    return calls;
  }
}

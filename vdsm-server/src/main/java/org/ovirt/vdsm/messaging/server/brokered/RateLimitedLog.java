package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One kind of warning written at most once per interval; the ones suppressed in between are
 * counted and the count is written with the next line. Thread-safe.
 */
final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, long intervalMs) {
    this.log = requireNonNull(log, "log");
    this.intervalNanos = intervalMs * 1_000_000L;
  }

  /** Writes {@code format} with {@code args} unless a line was written less than an interval ago. */
  void warn(String format, Object... args) {
    long now = System.nanoTime();
    long next = nextAllowed.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    if (skipped > 0) {
      log.warn(format + " (and {} more like it since the last such line)", append(args, skipped));
    } else {
      log.warn(format, args);
    }
  }

  private static Object[] append(Object[] args, long value) {
    Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = value;
    return all;
  }
}

package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * At most {@code perInterval} INFO lines per interval for lines a peer can cause at will (one per
 * connection): what is held back is counted, and the first line of a later interval is preceded by
 * one line saying how many were suppressed. Thread safe.
 */
final class LogBudget {
  private final int perInterval;
  private final long intervalNanos;
  private final LongSupplier clock;
  private long windowStart;
  private int inWindow;
  private long suppressed;

  LogBudget(int perInterval, long interval, TimeUnit unit, LongSupplier nanoClock) {
    if (perInterval < 1 || interval < 1) {
      throw new IllegalArgumentException("perInterval and interval must be positive");
    }
    this.perInterval = perInterval;
    this.intervalNanos = unit.toNanos(interval);
    this.clock = requireNonNull(nanoClock, "nanoClock");
    this.windowStart = nanoClock.getAsLong();
  }

  /** Twenty lines a second. */
  static LogBudget perSecond() {
    return new LogBudget(20, 1, TimeUnit.SECONDS, System::nanoTime);
  }

  /** Logs at INFO on {@code log} if the budget allows, else counts the line as suppressed. */
  void info(Logger log, String format, Object... args) {
    long held;
    synchronized (this) {
      long now = clock.getAsLong();
      if (now - windowStart >= intervalNanos) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > perInterval) {
        suppressed++;
        return;
      }
      held = suppressed;
      suppressed = 0;
    }
    if (held > 0) {
      log.info("({} similar connection lines suppressed)", held);
    }
    log.info(format, args);
  }
}

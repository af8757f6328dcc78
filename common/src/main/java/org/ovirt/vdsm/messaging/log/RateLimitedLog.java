package org.ovirt.vdsm.messaging.log;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs a line a peer can cause at will at most {@code perInterval} times per interval for each
 * message format; the rest are counted, and the count is logged once, with the format, by the first
 * line of that format after the interval ("1843 similar lines not logged in the last 10 s: ..."). An
 * attack can therefore cost a few lines per interval, never one per request. Thread-safe; the cost
 * of a suppressed line is one map lookup and a short lock.
 */
public final class RateLimitedLog {

  /** The default interval: 10 seconds. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  /** The default number of lines per format and interval: 5. */
  public static final int DEFAULT_PER_INTERVAL = 5;

  private final Logger log;
  private final int perInterval;
  private final long intervalNanos;
  private final LongSupplier clock;
  /** One window per format string; formats are constants of the code, so this stays small. */
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long start;
    int logged;
    long held;
  }

  /** {@value #DEFAULT_PER_INTERVAL} lines per format every 10 seconds. */
  public RateLimitedLog(Logger log) {
    this(log, DEFAULT_PER_INTERVAL, DEFAULT_INTERVAL);
  }

  /**
   * @param log where lines go
   * @param perInterval lines of one format logged per interval, at least 1
   * @param interval the length of an interval, positive
   */
  public RateLimitedLog(Logger log, int perInterval, Duration interval) {
    this(log, perInterval, interval, System::nanoTime);
  }

  /** As {@link #RateLimitedLog(Logger, int, Duration)} with a clock in nanoseconds (for tests). */
  public RateLimitedLog(Logger log, int perInterval, Duration interval, LongSupplier nanoClock) {
    this.log = requireNonNull(log, "log");
    requireNonNull(interval, "interval");
    this.clock = requireNonNull(nanoClock, "nanoClock");
    if (perInterval < 1 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("perInterval must be >= 1 and interval positive");
    }
    this.perInterval = perInterval;
    this.intervalNanos = interval.toNanos();
  }

  /** Logs at WARN, within the rate. */
  public void warn(String format, Object... args) {
    if (log.isWarnEnabled()) {
      emit(Level.WARN, format, args);
    }
  }

  /** Logs at INFO, within the rate. */
  public void info(String format, Object... args) {
    if (log.isInfoEnabled()) {
      emit(Level.INFO, format, args);
    }
  }

  private void emit(Level level, String format, Object[] args) {
    requireNonNull(format, "format");
    Window w = windows.computeIfAbsent(format, f -> newWindow());
    long held;
    boolean pass;
    synchronized (w) {
      long now = clock.getAsLong();
      held = 0;
      if (now - w.start >= intervalNanos) {
        held = w.held;
        w.start = now;
        w.logged = 0;
        w.held = 0;
      }
      pass = w.logged < perInterval;
      if (pass) {
        w.logged++;
      } else {
        w.held++;
      }
    }
    if (held > 0) {
      log.atLevel(level).log("{} similar lines not logged in the last {} s: {}",
          held, Math.max(1, intervalNanos / 1_000_000_000L), format);
    }
    if (pass) {
      log.atLevel(level).log(format, args);
    }
  }

  private Window newWindow() {
    Window w = new Window();
    w.start = clock.getAsLong();
    return w;
  }
}

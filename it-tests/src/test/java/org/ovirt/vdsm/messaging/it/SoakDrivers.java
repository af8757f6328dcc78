package org.ovirt.vdsm.messaging.it;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The threads of a soak run: each repeats one operation until {@link #stop}, counting what
 * succeeded and what failed in {@link SoakCounters}. An operation paces itself; a failure is
 * counted and the loop goes on (after a short pause, so a broken peer does not make it spin).
 */
final class SoakDrivers {
  /** One iteration of a driver; it may throw anything, which is counted as that driver's failure. */
  @FunctionalInterface
  interface Operation {
    /** Runs once; returns the name of what it did, counted as a success. */
    String run() throws Exception;
  }

  private static final long PAUSE_AFTER_FAILURE_MS = 50;

  private final SoakCounters counters;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  SoakDrivers(SoakCounters counters) {
    this.counters = requireNonNull(counters, "counters");
  }

  /** Starts a thread named {@code soak-<driver>} repeating {@code operation}. */
  void start(String driver, Operation operation) {
    requireNonNull(operation, "operation");
    Thread t = new Thread(() -> {
      while (!stopping) {
        try {
          counters.ok(driver, operation.run());
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          counters.error(driver, e);
          pause(PAUSE_AFTER_FAILURE_MS);
        }
      }
    }, "soak-" + driver);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Whether {@link #stop} was called (a long operation may check it to end early). */
  boolean stopping() {
    return stopping;
  }

  /**
   * Asks every driver to stop after its current operation and waits for them, at most {@code
   * deadlineMs} in total.
   *
   * @return the names of the drivers still running at the deadline (none when all stopped)
   */
  List<String> stop(long deadlineMs) throws InterruptedException {
    stopping = true;
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
    List<String> stuck = new ArrayList<>();
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
      if (t.isAlive()) {
        stuck.add(t.getName());
      }
    }
    return stuck;
  }

  /** Sleeps {@code ms} as pacing (not as synchronisation); returns early when interrupted. */
  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

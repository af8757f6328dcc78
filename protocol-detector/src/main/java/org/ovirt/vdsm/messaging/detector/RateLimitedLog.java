package org.ovirt.vdsm.messaging.detector;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * At most {@code perSecond} log lines a second, for events a peer can cause at will (unknown
 * protocols, failed handshakes): an attack must not flood the log. What is held back is counted and
 * reported with the next line that passes.
 */
final class RateLimitedLog {
  private final Logger log;
  private final int perSecond;
  private final AtomicLong windowStart = new AtomicLong();
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, int perSecond) {
    this.log = log;
    this.perSecond = perSecond;
  }

  void info(String format, Object... args) {
    long now = System.nanoTime() / 1_000_000_000L;
    long start = windowStart.get();
    if (now != start && windowStart.compareAndSet(start, now)) {
      inWindow.set(0);
    }
    if (inWindow.incrementAndGet() > perSecond) {
      suppressed.incrementAndGet();
      return;
    }
    long held = suppressed.getAndSet(0);
    if (held > 0) {
      log.info("({} similar messages suppressed)", held);
    }
    log.info(format, args);
  }
}

package org.ovirt.vdsm.messaging.it.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM's threads grouped by name prefix, so the client's and the server's share
 * of an in-process benchmark can be told apart.
 */
final class CpuMeter {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final List<String> prefixes;
  private final Map<Long, Long> start = new HashMap<>();

  CpuMeter(List<String> prefixes) {
    this.prefixes = prefixes;
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
  }

  /** Starts measuring: remembers every thread's CPU time now. */
  CpuMeter begin() {
    start.clear();
    for (long id : THREADS.getAllThreadIds()) {
      start.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
    }
    return this;
  }

  /** CPU nanoseconds used since {@link #begin} by threads whose names start with a prefix. */
  long elapsedNanos() {
    long total = 0;
    for (long id : THREADS.getAllThreadIds()) {
      var info = THREADS.getThreadInfo(id);
      if (info == null || prefixes.stream().noneMatch(info.getThreadName()::startsWith)) {
        continue;
      }
      long now = THREADS.getThreadCpuTime(id);
      if (now >= 0) {
        total += now - start.getOrDefault(id, 0L);
      }
    }
    return total;
  }
}

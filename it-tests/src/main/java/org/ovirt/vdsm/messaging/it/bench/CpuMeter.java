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
  private final Map<Long, Long> allocatedAtStart = new HashMap<>();

  CpuMeter(List<String> prefixes) {
    this.prefixes = prefixes;
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
  }

  /** Starts measuring: remembers every thread's CPU time now. */
  CpuMeter begin() {
    start.clear();
    allocatedAtStart.clear();
    for (long id : THREADS.getAllThreadIds()) {
      start.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
      allocatedAtStart.put(id, Math.max(0, allocated(id)));
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

  /** Bytes allocated since {@link #begin} by threads whose names start with a prefix (-1 when unsupported). */
  long allocatedBytes() {
    if (!(THREADS instanceof com.sun.management.ThreadMXBean)) {
      return -1;
    }
    long total = 0;
    for (long id : THREADS.getAllThreadIds()) {
      var info = THREADS.getThreadInfo(id);
      if (info == null || prefixes.stream().noneMatch(info.getThreadName()::startsWith)) {
        continue;
      }
      long now = allocated(id);
      if (now >= 0) {
        total += now - allocatedAtStart.getOrDefault(id, 0L);
      }
    }
    return total;
  }

  private static long allocated(long threadId) {
    return THREADS instanceof com.sun.management.ThreadMXBean sun ? sun.getThreadAllocatedBytes(threadId) : -1;
  }
}

package org.ovirt.vdsm.messaging.it;

/**
 * What a process holds at one moment of a soak run.
 *
 * @param elapsedMs since the run started
 * @param heapAfterGc heap bytes in use right after a full collection
 * @param rss resident set size of the process, bytes ({@code VmRSS} of {@code /proc/self/status})
 * @param nettyDirect direct memory Netty has allocated, bytes (-1 when Netty does not count it)
 * @param threads live threads
 * @param fds open file descriptors ({@code /proc/self/fd})
 * @param calls operations completed so far, every kind
 */
record ResourceSample(long elapsedMs, long heapAfterGc, long rss, long nettyDirect, int threads, int fds, long calls) {

  private static final double MIB = 1024.0 * 1024.0;

  /** One line of the report table: {@code | t s | heap MiB | RSS MiB | direct MiB | threads | fds | calls |}. */
  String row() {
    return String.format("| %d | %.1f | %.1f | %.1f | %d | %d | %d |", elapsedMs / 1000, heapAfterGc / MIB, rss / MIB,
        nettyDirect < 0 ? -1.0 : nettyDirect / MIB, threads, fds, calls);
  }

  /** The header of {@link #row()}. */
  static String header() {
    return "| t (s) | heap after GC (MiB) | RSS (MiB) | Netty direct (MiB) | threads | fds | calls |\n"
        + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }
}

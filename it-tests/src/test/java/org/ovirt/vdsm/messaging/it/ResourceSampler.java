package org.ovirt.vdsm.messaging.it;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Samples this process for a soak run: heap in use after a full collection, RSS, Netty's direct
 * memory, live threads and open file descriptors (Linux {@code /proc}).
 */
final class ResourceSampler {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path FDS = Path.of("/proc/self/fd");

  private final long startNanos = System.nanoTime();
  private final LongSupplier calls;

  /** A sampler whose samples carry the operation count {@code calls} returns. */
  ResourceSampler(LongSupplier calls) {
    this.calls = calls;
  }

  /** Collects garbage (twice, so objects freed by finalisation-like cleaners go too), then samples. */
  ResourceSample sample() throws IOException {
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
    return new ResourceSample(elapsedMs, heap, rss(), PlatformDependent.usedDirectMemory(),
        ManagementFactory.getThreadMXBean().getThreadCount(), fds(), calls.getAsLong());
  }

  /** Live threads by name with their numbers left out ({@code vdsm-client-io-#-#}), sorted. */
  static Map<String, Long> threadCensus() {
    return Thread.getAllStackTraces().keySet().stream()
        .collect(Collectors.groupingBy(t -> t.getName().replaceAll("\\d+", "#"), TreeMap::new, Collectors.counting()));
  }

  /** Open file descriptors of this process now. */
  static int fds() throws IOException {
    try (Stream<Path> entries = Files.list(FDS)) {
      return (int) entries.count();
    }
  }

  /** Resident set size of this process now, bytes. */
  static long rss() throws IOException {
    List<String> lines = Files.readAllLines(STATUS);
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024; // "kB"
      }
    }
    throw new IOException("no VmRSS in " + STATUS);
  }
}

package org.ovirt.vdsm.messaging.it.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.ovirt.vdsm.messaging.it.bench.jmh.LargeAnswerBenchmarks;

/**
 * The {@link LargeAnswerBenchmarks} operations timed by the CPU time of the thread that runs them
 * rather than by the wall clock: on a machine shared with other builds a JMH score measures the
 * share of the cores this process got as much as the code. Each operation is warmed up, then run
 * for a fixed CPU budget; the result is CPU microseconds per operation and the ratio to the first.
 */
public final class LargeAnswerCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private LargeAnswerCpu() {}

  public static void main(String[] args) {
    System.out.print(run(args.length > 0 && args[0].equals("--quick")));
  }

  /** Runs every operation and renders a markdown table. */
  static String run(boolean quick) {
    LargeAnswerBenchmarks b = new LargeAnswerBenchmarks();
    b.setUp();
    Map<String, Supplier<Object>> host = new LinkedHashMap<>();
    host.put("host: encode a tree (before)", b::hostEncodeTree);
    host.put("host: stream a Java model", b::hostEncodeStreamed);
    host.put("host: copy pre-encoded bytes", b::hostEncodePreEncoded);
    Map<String, Supplier<Object>> engine = new LinkedHashMap<>();
    engine.put("engine: decode to a tree (before, untyped call)", b::engineDecodeTree);
    engine.put("engine: tree, then the type (before, typed call)", b::engineDecodeTreeThenType);
    engine.put("engine: the type straight from the bytes", b::engineDecodeTyped);
    // The JSON library question: hand-written streaming code, Gson against jackson-core.
    Map<String, Supplier<Object>> write = new LinkedHashMap<>();
    write.put("write by hand: Gson JsonWriter", unchecked(b::gsonStreamWriteByHand));
    write.put("write by hand: jackson-core JsonGenerator", unchecked(b::jacksonStreamWrite));
    Map<String, Supplier<Object>> read = new LinkedHashMap<>();
    read.put("read by hand: Gson JsonReader", unchecked(b::gsonStreamReadByHand));
    read.put("read by hand: jackson-core JsonParser", unchecked(b::jacksonStreamRead));
    long budget = (quick ? 300 : 2_000) * 1_000_000L;
    StringBuilder sb = new StringBuilder("| operation on the 145 KiB answer | CPU µs per operation | relative to the first of its side |\n| --- | ---: | ---: |\n");
    for (Map<String, Supplier<Object>> side : java.util.List.of(host, engine, write, read)) {
      double first = 0;
      for (Map.Entry<String, Supplier<Object>> e : side.entrySet()) {
        cpuMicrosPerOp(e.getValue(), budget); // warm-up
        double us = cpuMicrosPerOp(e.getValue(), budget);
        if (first == 0) {
          first = us;
        }
        sb.append(String.format(Locale.ROOT, "| %s | %,.1f | x%.2f |%n", e.getKey(), us, first / us));
      }
    }
    return sb.toString();
  }

  /** An operation that declares {@link java.io.IOException}. */
  @FunctionalInterface
  private interface IoOperation {
    Object run() throws java.io.IOException;
  }

  private static Supplier<Object> unchecked(IoOperation op) {
    return () -> {
      try {
        return op.run();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  private static double cpuMicrosPerOp(Supplier<Object> op, long budgetNanos) {
    long start = THREADS.getCurrentThreadCpuTime();
    long n = 0;
    Object sink = null;
    while (THREADS.getCurrentThreadCpuTime() - start < budgetNanos) {
      for (int i = 0; i < 10; i++) {
        sink = op.get();
      }
      n += 10;
    }
    if (sink == null) {
      throw new IllegalStateException("no result");
    }
    return (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / n;
  }
}

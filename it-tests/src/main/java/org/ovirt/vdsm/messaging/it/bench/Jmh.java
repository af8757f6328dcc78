package org.ovirt.vdsm.messaging.it.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.ovirt.vdsm.messaging.it.bench.jmh.CodecBenchmarks;
import org.ovirt.vdsm.messaging.it.bench.jmh.LargeAnswerBenchmarks;

/** Runs the JMH micro benchmarks and renders their scores as a markdown table. */
final class Jmh {
  private Jmh() {}

  static String run(boolean quick) throws Exception {
    Options options = new OptionsBuilder()
        .include(CodecBenchmarks.class.getSimpleName())
        .include(LargeAnswerBenchmarks.class.getSimpleName())
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 2 : 5)
        .measurementTime(TimeValue.seconds(1))
        .forks(1)
        .jvmArgsAppend("-Dlogback.configurationFile=demo-logback.xml")
        .build();
    Collection<RunResult> results = new Runner(options).run();
    StringBuilder sb = new StringBuilder("| benchmark | message | ops/s | ± (99.9%) | MB/s of message |\n| --- | --- | ---: | ---: | ---: |\n");
    for (RunResult r : results) {
      String bench = r.getParams().getBenchmark();
      String size = r.getParams().getParam("size");
      if (size == null) {
        size = "large"; // LargeAnswerBenchmarks: the 145 KiB answer
      }
      double score = r.getPrimaryResult().getScore();
      double err = r.getPrimaryResult().getScoreError();
      sb.append("| ").append(bench.substring(bench.lastIndexOf('.') + 1)).append(" | ").append(size)
          .append(" | ").append(Bench.fmt(score)).append(" | ").append(Bench.fmt(err))
          .append(" | ").append(String.format(Locale.ROOT, "%.0f", score * messageBytes(size) / 1e6)).append(" |\n");
    }
    return sb.toString();
  }

  /** The size of the message a benchmark handles: the small request, or the encoded large answer. */
  private static int messageBytes(String size) {
    return size.equals("small") ? 95 : org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec.encode(
        org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse.success(org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId.random(),
            org.ovirt.vdsm.messaging.it.bench.jmh.LargeResult.capabilities(200 * 1024))).length;
  }
}

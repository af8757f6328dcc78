package org.ovirt.vdsm.messaging.it.bench.ovirt;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcClient;
import org.ovirt.vdsm.messaging.it.bench.BenchTls;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Scenario (g) of {@code docs/benchmarks.md}, the comparison of issue 13: the engine's own client
 * ({@code vdsm-jsonrpc-java} 1.7.4), 16 threads each making sequential {@code Host.ping2} calls,
 * against our {@code vdsm-server} and against a minimal single-threaded Python asyncio STOMP host
 * ({@code src/main/python/reference_host.py}), each in a process of its own with the same PKI and
 * the same warm-up and measured period, alternately, in one run. Reports each server process's CPU
 * per call (its {@code /proc/<pid>/stat} user and system time over the period, divided by the
 * calls) and calls/s, and that CPU split by kind of thread ({@link ThreadKind}). Each host is loaded
 * for the same minimum warm-up and then until its JIT compilers have settled (a host without a JIT
 * settles at once) before its measured period.
 *
 * <p>System properties: {@code bench.serverJar} (default {@code ../vdsm-server/target/vdsm-server.jar}),
 * {@code bench.serverJvm} (extra JVM options of the server processes, space separated, e.g. a JFR
 * recording), {@code bench.baselineJar} (a second {@code vdsm-server} jar, e.g. an earlier build,
 * measured in the same rounds the same way: a before/after comparison in one machine state), {@code bench.python} (default {@code python3}), {@code bench.referenceHost} (default
 * {@code src/main/python/reference_host.py}).
 */
public final class OvirtClientComparison {
  /** Caller threads of the engine's client, each with one call in flight (system property {@code bench.ovirtThreads}). */
  public static final int THREADS = Integer.getInteger("bench.ovirtThreads", 16);

  private OvirtClientComparison() {}

  private static final String OURS = "vdsm-server";
  private static final String REFERENCE = "python reference host";
  private static final String BASELINE = "vdsm-server (baseline build)";

  /** Warm-up steps after the minimum warm-up, until the host's JIT compilers have settled. */
  private static final Duration WARMUP_STEP = Duration.ofSeconds(2);
  /**
   * The JIT has settled when its compiler threads used at most this share of the host process's
   * CPU over the last warm-up step.
   */
  private static final double SETTLED_JIT_SHARE = 0.05;

  /** A measured period against one host process. */
  private record Measured(String host, int round, double warmupSeconds, OvirtClientLoad.Result load,
      double serverCpuNanos, Map<ThreadKind, Long> threadCpuNanos, long pageFaults) {
    double cpuMicrosPerCall() {
      return serverCpuNanos / load.calls() / 1000;
    }

    double microsPerCall(ThreadKind kind) {
      return threadCpuNanos.getOrDefault(kind, 0L) / (double) load.calls() / 1000;
    }
  }

  /** Standalone: {@code [--quick] [--rounds N]}; prints the markdown section. */
  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    int rounds = 2;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--rounds")) {
        rounds = Integer.parseInt(args[i + 1]);
      }
    }
    Path dir = Files.createTempDirectory("vdsm-bench-ovirt");
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.RSA_2048);
    int status = 1;
    try {
      System.out.println(run(pki, quick, rounds));
      status = 0;
    } catch (Exception | Error e) {
      e.printStackTrace();
    } finally {
      System.exit(status); // the engine's client keeps non-daemon threads
    }
  }

  /**
   * Runs the comparison, {@code rounds} times alternately, and returns a markdown table with the
   * ratios; a short explanation instead when a host cannot be started.
   */
  public static String run(PkiLayout pki, boolean quick, int rounds) throws Exception {
    requireNonNull(pki, "pki");
    Duration warmup = Duration.ofSeconds(quick ? 2 : 4);
    Duration maxWarmup = Duration.ofSeconds(quick ? 10 : 120);
    Duration measure = Duration.ofSeconds(quick ? 3 : 10);
    Path jar = Path.of(System.getProperty("bench.serverJar", "../vdsm-server/target/vdsm-server.jar"));
    Path script = Path.of(System.getProperty("bench.referenceHost", "src/main/python/reference_host.py"));
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(script)) {
      return "Not run: " + jar + " or " + script + " is missing (build with ./mvnw -B -DskipTests package first).\n";
    }
    List<String> python = List.of(System.getProperty("bench.python", "python3"), script.toString(),
        "--port", "0", "--bind", "127.0.0.1", "--pki-dir", pki.root().toString());
    String baselineJar = System.getProperty("bench.baselineJar", "").strip();
    List<Measured> results = new ArrayList<>();
    try (HostProcess server = HostProcess.start(OURS, serverCommand(jar, pki));
         HostProcess reference = HostProcess.start(REFERENCE, python);
         HostProcess baseline = baselineJar.isEmpty() ? null
             : HostProcess.start(BASELINE, serverCommand(Path.of(baselineJar), pki));
         OvirtClientLoad load = new OvirtClientLoad(pki)) {
      // A cold JVM on a loaded machine can take longer over its first TLS handshakes than the
      // engine's client waits for one: warm both ends (and this JVM's TLS) up first.
      warmTls(pki, server.port());
      warmTls(pki, reference.port());
      JsonRpcClient toReference = load.connect(reference.port());
      JsonRpcClient toServer = load.connect(server.port());
      JsonRpcClient toBaseline = null;
      if (baseline != null) {
        warmTls(pki, baseline.port());
        toBaseline = load.connect(baseline.port());
      }
      for (int round = 1; round <= rounds; round++) {
        results.add(measure(server, toServer, round, warmup, maxWarmup, measure));
        results.add(measure(reference, toReference, round, warmup, maxWarmup, measure));
        if (baseline != null) {
          results.add(measure(baseline, toBaseline, round, warmup, maxWarmup, measure));
        }
      }
    }
    return markdown(results);
  }

  /** The command line of a {@code vdsm-server} process from {@code jar}. */
  private static List<String> serverCommand(Path jar, PkiLayout pki) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    String extra = System.getProperty("bench.serverJvm", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    // The heap the service unit allows, committed and touched at start: a host runs for months, and
    // a young generation that is still being touched for the first time in the measured period
    // charges the calls with page faults (a tenth of the network thread's CPU in a perf profile of
    // this scenario) that a running host no longer pays. The page faults per call are reported.
    command.addAll(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-jar", jar.toString(),
        "--port", "0", "--bind", "127.0.0.1", "--pki-dir", pki.root().toString()));
    return command;
  }

  private static void warmTls(PkiLayout pki, int port) throws Exception {
    SSLSocketFactory factory = BenchTls.engineContext(pki).getSocketFactory();
    for (int i = 0; i < 20; i++) {
      try (SSLSocket socket = (SSLSocket) factory.createSocket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
        socket.setSoTimeout(60_000);
        socket.startHandshake();
      }
    }
  }

  private static Measured measure(HostProcess host, JsonRpcClient client, int round, Duration warmup,
      Duration maxWarmup, Duration length) throws Exception {
    double warmed = warmUp(host, client, warmup, maxWarmup);
    long faults0 = host.minorFaults();
    long cpu0 = host.cpuNanos();
    Map<ThreadKind, Long> threads0 = host.threadCpuNanos();
    OvirtClientLoad.Result result = OvirtClientLoad.run(client, THREADS, length);
    long cpu = host.cpuNanos() - cpu0;
    Map<ThreadKind, Long> threads = host.threadCpuNanos();
    long faults = host.minorFaults() - faults0;
    threads0.forEach((kind, nanos) -> threads.merge(kind, -nanos, Long::sum));
    Measured m = new Measured(host.name(), round, warmed, result, cpu, threads, faults);
    System.err.printf(Locale.ROOT, "%s round %d: warm-up %.0f s, %.0f calls/s, %.1f us CPU per call, by thread %s%n",
        m.host(), round, warmed, result.callsPerSecond(), m.cpuMicrosPerCall(), threads);
    return m;
  }

  /**
   * Loads {@code host} for {@code minimum}, then in steps of {@link #WARMUP_STEP} until its JIT
   * compiler threads used at most {@link #SETTLED_JIT_SHARE} of its CPU over the last step (at
   * once for a host without a JIT), at most {@code maximum} in all. A JVM measured while it is
   * still compiling its hot path would be charged for the compilation; both hosts go through the
   * same rule. Returns the seconds it took.
   */
  private static double warmUp(HostProcess host, JsonRpcClient client, Duration minimum, Duration maximum)
      throws Exception {
    long start = System.nanoTime();
    OvirtClientLoad.run(client, THREADS, minimum);
    while (System.nanoTime() - start < maximum.toNanos()) {
      long cpu0 = host.cpuNanos();
      long jit0 = host.threadCpuNanos().getOrDefault(ThreadKind.JIT, 0L);
      OvirtClientLoad.run(client, THREADS, WARMUP_STEP);
      long cpu = host.cpuNanos() - cpu0;
      long jit = host.threadCpuNanos().getOrDefault(ThreadKind.JIT, 0L) - jit0;
      if (jit <= SETTLED_JIT_SHARE * cpu) {
        break;
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static Measured find(List<Measured> results, String host, int round) {
    return results.stream().filter(m -> m.host().equals(host) && m.round() == round).findFirst().orElse(null);
  }

  private static String markdown(List<Measured> results) {
    StringBuilder md = new StringBuilder();
    md.append("| host process | round | calls/s | server CPU µs/call | server CPU (% of one core) | p50 µs | p99 µs | p99.9 µs | max µs |\n")
        .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Measured m : results) {
      var h = m.load().latencyNanos();
      md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %.0f %% | %.0f | %.0f | %.0f | %.0f |%n",
          m.host(), m.round(), m.load().callsPerSecond(), m.cpuMicrosPerCall(),
          m.serverCpuNanos() / (m.load().seconds() * 1e9) * 100,
          h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
          h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3));
    }
    md.append('\n');
    md.append("Server CPU per call by thread (µs over the same measured period; warm-up: the minimum, then until the "
        + "JIT compiler threads used at most 5 % of the process's CPU over 2 s):\n\n");
    md.append("| host process | round | warm-up s | total");
    for (ThreadKind kind : ThreadKind.values()) {
      md.append(" | ").append(kind.label());
    }
    md.append(" | page faults per call |\n| --- | ---: | ---: | ---:")
        .append(" | ---:".repeat(ThreadKind.values().length)).append(" | ---: |\n");
    for (Measured m : results) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.1f", m.host(), m.round(), m.warmupSeconds(),
          m.cpuMicrosPerCall()));
      for (ThreadKind kind : ThreadKind.values()) {
        md.append(String.format(Locale.ROOT, " | %.1f", m.microsPerCall(kind)));
      }
      md.append(String.format(Locale.ROOT, " | %.3f |%n", m.pageFaults() / (double) m.load().calls()));
    }
    md.append('\n');
    for (Measured ours : results) {
      if (!ours.host().equals(OURS)) {
        continue;
      }
      Measured reference = find(results, REFERENCE, ours.round());
      md.append(String.format(Locale.ROOT,
          "- round %d: vdsm-server CPU per call %.1f µs = %.2f of the reference host's %.1f µs (target at most 0.50); "
              + "calls/s %.2fx the reference host's (target at least 1.5x)",
          ours.round(), ours.cpuMicrosPerCall(), ours.cpuMicrosPerCall() / reference.cpuMicrosPerCall(),
          reference.cpuMicrosPerCall(), ours.load().callsPerSecond() / reference.load().callsPerSecond()));
      Measured baseline = find(results, BASELINE, ours.round());
      if (baseline != null) {
        md.append(String.format(Locale.ROOT, "; the baseline build: %.1f µs = %.2f of the reference host's, %.2fx its calls/s",
            baseline.cpuMicrosPerCall(), baseline.cpuMicrosPerCall() / reference.cpuMicrosPerCall(),
            baseline.load().callsPerSecond() / reference.load().callsPerSecond()));
      }
      md.append('\n');
    }
    return md.toString();
  }
}

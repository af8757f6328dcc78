package org.ovirt.vdsm.messaging.it.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.it.bench.ovirt.HostProcess;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Scenario (h), issue 13: engine-client alone in a JVM with a small heap (this process, started by
 * {@link Bench} with {@code -Xms256m -Xmx256m}), the host ({@link BenchHost}) and the raw TLS echo
 * server ({@link TlsEchoServer}) each in a process of their own, so that the CPU time, the
 * allocation and the GC pauses measured here are the client's only. {@code Host.ping2} at 1 and 64
 * in flight next to the echo of the same frame sizes at the same in-flight counts.
 *
 * <p>Client CPU is the thread CPU time of the calling thread and of engine-client's threads (echo:
 * its client loop), allocation the bytes those threads allocated, both divided by the calls; host
 * CPU is the host process's (all its threads, GC and JIT included) from {@code /proc}. Prints a
 * markdown table between the lines {@link #BEGIN} and {@link #END}.
 *
 * <p>Arguments: the PKI directory, then {@code --quick} for short runs. System properties: {@code
 * bench.clientRounds} (rounds of each row, default 1).
 */
public final class ClientAlone {
  static final String BEGIN = "<<<client-alone";
  static final String END = ">>>client-alone";
  private static final List<String> CLIENT_THREADS = List.of("vdsm-client", "bench-caller", "bench-echo-client");

  private final boolean quick;

  private ClientAlone(boolean quick) {
    this.quick = quick;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "demo-logback.xml");
    }
    PkiLayout pki = new PkiLayout(Path.of(args[0]));
    boolean quick = args.length > 1 && args[1].equals("--quick");
    String table = new ClientAlone(quick).run(pki);
    System.out.println(BEGIN);
    System.out.println(table);
    System.out.println(END);
    System.exit(0);
  }

  /**
   * Runs this class in a JVM of its own with {@code -Xms256m -Xmx256m} and returns its table
   * (called by {@link Bench}).
   */
  static String inChildJvm(PkiLayout pki, boolean quick) throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"));
    command.addAll(extraArgs("bench.clientJvmArgs"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClientAlone.class.getName(), pki.root().toString()));
    if (quick) {
      command.add("--quick");
    }
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    StringBuilder table = new StringBuilder();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      boolean in = false;
      for (String line; (line = out.readLine()) != null; ) {
        if (line.equals(BEGIN)) {
          in = true;
        } else if (line.equals(END)) {
          in = false;
        } else if (in) {
          table.append(line).append('\n');
        }
      }
    } finally {
      if (!child.waitFor(10, TimeUnit.MINUTES)) {
        child.destroyForcibly();
      }
    }
    return table.length() == 0 ? "Not run: the client process printed no table (exit " + child.exitValue() + ")." : table.toString();
  }

  private String run(PkiLayout pki) throws Exception {
    byte[] pingFrame = Bench.pingFrame();
    byte[] pingAnswer = Bench.pingAnswer();
    List<String> rows = new ArrayList<>();
    List<String> gc = new ArrayList<>();
    int rounds = Integer.getInteger("bench.clientRounds", 1);
    try (HostProcess host = start("host", List.of("-Xms512m", "-Xmx512m"), BenchHost.class.getName(),
            pki.root().toString(), "10");
        HostProcess echoHost = start("echo", List.of("-Xms256m", "-Xmx256m"), TlsEchoServer.class.getName(),
            pki.root().toString(), String.valueOf(pingAnswer.length));
        EngineClientFactory factory = EngineClientFactory.builder().pki(pki).connectTimeout(Duration.ofSeconds(60)).build();
        TlsEcho echo = new TlsEcho(pki, pingFrame.length, echoHost.port(), null)) {
      HostClient client = factory.connect("localhost", host.port()).get(30, TimeUnit.SECONDS);
      RpcCall ping2 = RpcCall.of("Host.ping2");
      Supplier<CompletableFuture<?>> ping = () -> client.call(ping2);
      String echoName = "TLS echo " + pingFrame.length + " B / " + pingAnswer.length + " B";
      for (int round = 0; round < rounds; round++) {
        for (int inFlight : new int[] {1, 64}) {
          rows.add(measure("engine-client ping2", inFlight, ping, host, gc));
          rows.add(measure(echoName, inFlight, echo::call, echoHost, gc));
        }
      }
      client.close();
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Client JVM: ").append(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-X")).toList()).append(", GC ").append(gcNames()).append("; ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average at the start ")
        .append(String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
        .append(". Host CPU: the host process's CPU time (all threads) per call.\n\n");
    sb.append("| call | in flight | calls/s | p50 µs | p99 µs | p99.9 µs | max µs | client CPU µs/call | client alloc B/call | client CPU split: network loop / answer workers / caller µs/call | host CPU µs/call | client GC in the run | load |\n");
    sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
    for (int i = 0; i < rows.size(); i++) {
      sb.append(rows.get(i)).append(' ').append(gc.get(i)).append('\n');
    }
    return sb.toString();
  }

  private String measure(String name, int inFlight, Supplier<CompletableFuture<?>> call, HostProcess peer, List<String> gc)
      throws Exception {
    Thread caller = Thread.currentThread();
    String oldName = caller.getName();
    caller.setName("bench-caller");
    try {
      CallDriver.drive(inFlight, call, quick ? Duration.ofSeconds(2) : Duration.ofSeconds(6), null);
      Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
      CpuMeter cpu = new CpuMeter(CLIENT_THREADS).begin();
      CpuMeter io = new CpuMeter(List.of("vdsm-client-io", "bench-echo-client")).begin();
      CpuMeter workers = new CpuMeter(List.of("vdsm-client-worker")).begin();
      CpuMeter calling = new CpuMeter(List.of("bench-caller")).begin();
      long gcCount0 = gcCount();
      long gcMillis0 = gcMillis();
      long peer0 = peer.cpuNanos();
      long start = System.nanoTime();
      long calls = CallDriver.drive(inFlight, call, quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10), histogram);
      double seconds = (System.nanoTime() - start) / 1e9;
      double hostMicros = (peer.cpuNanos() - peer0) / (double) calls / 1000;
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      gc.add((gcCount() - gcCount0) + " collections, " + (gcMillis() - gcMillis0) + " ms | "
          + String.format(Locale.ROOT, "%.1f", load) + " |");
      String row = "| " + name + " | " + inFlight + " | " + Bench.fmt(calls / seconds)
          + " | " + us(histogram.getValueAtPercentile(50)) + " | " + us(histogram.getValueAtPercentile(99))
          + " | " + us(histogram.getValueAtPercentile(99.9)) + " | " + us(histogram.getMaxValue())
          + " | " + Bench.fmt(cpu.elapsedNanos() / (double) calls / 1000)
          + " | " + Bench.fmt(cpu.allocatedBytes() / (double) calls)
          + " | " + Bench.fmt(io.elapsedNanos() / (double) calls / 1000)
          + " / " + Bench.fmt(workers.elapsedNanos() / (double) calls / 1000)
          + " / " + Bench.fmt(calling.elapsedNanos() / (double) calls / 1000)
          + " | " + Bench.fmt(hostMicros) + " |";
      System.err.println(row);
      return row;
    } finally {
      caller.setName(oldName);
    }
  }

  private static String us(long nanos) {
    return Bench.fmt(nanos / 1000.0);
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static String gcNames() {
    return String.join("/", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> extraArgs(String property) {
    String extra = System.getProperty(property, "").strip();
    return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
  }

  /** Starts {@code mainClass} from this JVM's class path in a process of its own. */
  private static HostProcess start(String name, List<String> jvmArgs, String mainClass, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(jvmArgs);
    command.addAll(extraArgs("bench." + name + "JvmArgs"));
    command.addAll(List.of("-Dlogback.configurationFile=demo-logback.xml", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return HostProcess.start(name, command);
  }
}

package org.ovirt.vdsm.messaging.it.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.codec.HeartBeatTiming;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Scenario (e): one engine-client process holding many host connections with heart-beats
 * running. The host is a separate process ({@link BenchHost}, a {@code vdsm-server} with the default backend) (so its memory and CPU are not
 * counted on the engine's side); every connection is a full mutual-TLS STOMP session to it. Both
 * ends are measured while idle, each as a whole process: the engine (this JVM) with its process CPU
 * time, the host from {@code /proc} through {@link ProcessHandle}. With {@code -Dbench.jfr=DIR} both
 * processes record a Java Flight Recorder profile of the measured period into {@code DIR};
 * {@code -Dbench.hostJvmArgs="..."} passes options to the host's JVM.
 */
final class ManyHosts {
  private static final Pattern LISTENING = Pattern.compile("vdsm-server listening on [^:]+:(\\d+)");

  /** Seconds between the last connection and the start of the measurement. */
  private static final long SETTLE_SECONDS = 40;

  private ManyHosts() {}

  static String run(PkiLayout pki, int wanted, boolean quick) throws Exception {
    long fdLimit = fdLimit();
    int connections = (int) Math.max(1, Math.min(wanted, fdLimit - 500));
    String jfrDir = System.getProperty("bench.jfr");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
    if (jfrDir != null) {
      // Started after connecting and warming up would be better; a delay does that without an agent.
      // Recorded until the process ends (the host is stopped after the measurement).
      command.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(jfrDir, "host.jfr").toAbsolutePath());
    }
    // The host runs from this JVM's class path, in a process of its own (see BenchHost).
    String extra = System.getProperty("bench.hostJvmArgs", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchHost.class.getName(),
        pki.root().toString(), String.valueOf(connections)));
    Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      int port = -1;
      for (String line; port < 0 && (line = out.readLine()) != null; ) {
        Matcher m = LISTENING.matcher(line);
        if (m.matches()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      if (port < 0) {
        return "Not run: the server process did not start.";
      }
      return measure(pki, port, connections, fdLimit, quick, server.toHandle(), jfrDir);
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String measure(PkiLayout pki, int port, int connections, long fdLimit, boolean quick,
      ProcessHandle host, String jfrDir) throws Exception {
    HeartBeat heartBeat = new HeartBeat(5_000, 5_000);
    try (EngineClientFactory factory = EngineClientFactory.builder().pki(pki).heartBeat(heartBeat)
        .connectTimeout(Duration.ofSeconds(60)).build()) {
      // Warm the factory up with one connection, then measure the heap the rest add.
      HostClient first = factory.connect("localhost", port).get(60, TimeUnit.SECONDS);
      long before = usedHeapAfterGc();
      long start = System.nanoTime();
      List<HostClient> clients = new ArrayList<>(connections);
      clients.add(first);
      while (clients.size() < connections) {
        List<CompletableFuture<HostClient>> wave = new ArrayList<>();
        for (int i = 0; i < 100 && clients.size() + wave.size() < connections; i++) {
          wave.add(factory.connect("localhost", port));
        }
        for (CompletableFuture<HostClient> f : wave) {
          clients.add(f.get(120, TimeUnit.SECONDS));
        }
      }
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      long after = usedHeapAfterGc();
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long idle = quick ? 5 : 30;
      jdk.jfr.Recording recording = null;
      if (jfrDir != null) {
        // Diagnostic only: a recording costs CPU itself, so figures of a run with it are not reported.
        recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.start();
      }
      // Let connecting settle before measuring the idle cost: the last handshakes, GC, and the JIT,
      // which compiles the heart-beat paths only once they have run often enough (slowly on a
      // loaded machine; measured too early, the figure is mostly compilation).
      Thread.sleep(TimeUnit.SECONDS.toMillis(quick ? 2 : SETTLE_SECONDS));
      long cpu0 = os.getProcessCpuTime();
      long host0 = hostCpuNanos(host);
      long wall0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(idle));
      double wall = System.nanoTime() - wall0;
      double cpuShare = (os.getProcessCpuTime() - cpu0) / wall;
      double hostShare = (hostCpuNanos(host) - host0) / wall;
      if (recording != null) {
        recording.stop();
        recording.dump(Path.of(jfrDir, "engine.jfr"));
        recording.close();
      }
      long open = clients.stream().filter(HostClient::isOpen).count();
      for (HostClient c : clients) {
        c.close();
      }
      double perConnection = (after - before) / (double) (connections - 1);
      // Heart-beats each side sends per second (one per sendAfter of silence), and as many received.
      double beatsPerSecond = connections * 1000.0 / HeartBeatTiming.sendAfterMs(heartBeat.sendMs());
      return String.format(Locale.ROOT,
          "| connections held | connect time | heap per connection | heart-beats | engine CPU while idle | host CPU while idle | still open after %d s |%n"
              + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n"
              + "| %d (file limit %d) | %.1f s | %.1f KB | %s ms, %.0f sent/s each way | %.2f %% of one core (%.1f µs per beat sent + received) "
              + "| %.2f %% of one core (%.1f µs per beat sent + received) | %d |%n",
          idle + (quick ? 2 : SETTLE_SECONDS), connections, fdLimit, connectSeconds, perConnection / 1024, heartBeat.format(), beatsPerSecond,
          cpuShare * 100, cpuShare * 1e6 / beatsPerSecond, hostShare * 100, hostShare * 1e6 / beatsPerSecond, open);
    }
  }

  /** CPU time of the host process so far (user and system, all threads), from {@code /proc}. */
  private static long hostCpuNanos(ProcessHandle host) {
    return host.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long fdLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4096;
  }
}

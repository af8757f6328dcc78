package org.ovirt.vdsm.messaging.it.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Scenario (e): one engine-client process holding many host connections with heart-beats
 * running. The host is a separate {@code vdsm-server} process (so its memory is not counted);
 * every connection is a full mutual-TLS STOMP session to it.
 */
final class ManyHosts {
  private static final Pattern LISTENING = Pattern.compile("vdsm-server listening on [^:]+:(\\d+)");

  private ManyHosts() {}

  static String run(PkiLayout pki, int wanted, boolean quick) throws Exception {
    Path jar = Path.of(System.getProperty("bench.serverJar", "../vdsm-server/target/vdsm-server.jar"));
    if (!Files.isRegularFile(jar)) {
      return "Not run: " + jar + " is missing (build with ./mvnw -B -DskipTests package first).";
    }
    long fdLimit = fdLimit();
    int connections = (int) Math.max(1, Math.min(wanted, fdLimit - 500));
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-jar", jar.toString(), "--port", "0", "--bind", "127.0.0.1", "--pki-dir", pki.root().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
      return measure(pki, port, connections, fdLimit, quick);
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String measure(PkiLayout pki, int port, int connections, long fdLimit, boolean quick) throws Exception {
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
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(idle));
      double cpuShare = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
      long open = clients.stream().filter(HostClient::isOpen).count();
      for (HostClient c : clients) {
        c.close();
      }
      double perConnection = (after - before) / (double) (connections - 1);
      return String.format(Locale.ROOT,
          "| connections held | connect time | heap per connection | client CPU while idle (heart-beats %s) | still open after %d s |%n"
              + "| ---: | ---: | ---: | ---: | ---: |%n"
              + "| %d (file limit %d) | %.1f s | %.1f KB | %.2f %% of one core (%.1f µs/s per connection) | %d |%n",
          heartBeat.format(), idle, connections, fdLimit, connectSeconds, perConnection / 1024, cpuShare * 100,
          cpuShare * 1e6 / connections, open);
    }
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

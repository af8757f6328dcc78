package org.ovirt.vdsm.messaging.it.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqNode;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqUser;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;

/**
 * The fleet-sizing measurement of {@code docs/brokers.md}: what idle VDSM host sessions cost one
 * broker node. For ActiveMQ Artemis (alone in a JVM of its own, {@link FleetBroker}) and RabbitMQ (a
 * private node), it opens {@link IdleHosts} in steps (default 100, 500, 1000 hosts, four request
 * queues each, certificate login with per-host rights) and after each step measures the broker's
 * memory (Artemis: used heap after full collections, and resident memory; RabbitMQ: resident
 * memory of its Erlang VM) and its CPU time over an idle window (heart-beats only). Everything on
 * loopback; bounded by the host count and the window.
 *
 * <p>{@code ./mvnw -B -q -Pfleet -DskipTests package -Dfleet.args="--hosts 100,500,1000 --idle 20
 * --skip rabbitmq"}: every option is optional; {@code --skip} takes {@code artemis} and/or
 * {@code rabbitmq}. Prints a markdown report.
 */
public final class FleetSizing {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private final int[] steps;
  private final Duration idle;

  private FleetSizing(int[] steps, Duration idle) {
    this.steps = steps;
    this.idle = idle;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "demo-logback.xml");
    }
    int[] steps = {100, 500, 1000};
    Duration idle = Duration.ofSeconds(20);
    List<String> skip = List.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--hosts" -> steps = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).sorted().toArray();
        case "--idle" -> idle = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--skip" -> skip = List.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (steps.length == 0 || steps[0] < 1 || steps[steps.length - 1] > 5000) {
      throw new IllegalArgumentException("--hosts: between 1 and 5000 host sessions");
    }
    FleetSizing fleet = new FleetSizing(steps, idle);
    Path dir = Files.createTempDirectory("vdsm-fleet");
    StringBuilder report = new StringBuilder("Fleet sizing measured on " + LocalDate.now() + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version") + "; host sessions with heart-beats " + IdleHosts.HEART_BEAT_MS + ","
        + IdleHosts.HEART_BEAT_MS + ", idle window " + idle.toSeconds() + " s; arguments: `"
        + String.join(" ", args) + "`.\n\n");
    if (!skip.contains("artemis")) {
      report.append(fleet.artemis(dir.resolve("artemis")));
    }
    if (!skip.contains("rabbitmq")) {
      report.append(fleet.rabbitMq(dir.resolve("rabbitmq")));
    }
    System.out.println(report);
    System.exit(0);
  }

  /** The host ids of a fleet of {@code n}: {@code fleet-0001}... */
  static List<String> hostIds(int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      ids.add(String.format(Locale.ROOT, "fleet-%04d", i));
    }
    return ids;
  }

  /** What is measured of a broker after each step. */
  private interface Probe {
    /** Used heap after full collections, or -1 when the broker has no JVM heap. */
    long heapBytes() throws IOException, InterruptedException;

    long rssBytes();

    long cpuNanos();
  }

  private String artemis(Path dir) throws Exception {
    Files.createDirectories(dir);
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), FleetBroker.class.getName(), dir.toString(),
        Integer.toString(steps[steps.length - 1]));
    Process broker = new ProcessBuilder(command).redirectError(dir.resolve("broker.log").toFile()).start();
    Thread hook = new Thread(broker::destroyForcibly, "stop-fleet-broker");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      BlockingQueue<String> lines = lines(broker);
      Writer commands = new OutputStreamWriter(broker.getOutputStream(), StandardCharsets.UTF_8);
      String ready = lines.poll(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (ready == null || !ready.startsWith("ready ")) {
        throw new IOException("the Artemis process did not start: " + ready + "; see " + dir.resolve("broker.log"));
      }
      String[] f = ready.split(" ");
      int port = Integer.parseInt(f[1]);
      Path clients = Path.of(f[2]);
      Path ca = new PkiLayout(clients.getParent()).caCert();
      Probe probe = new Probe() {
        @Override
        public long heapBytes() throws IOException, InterruptedException {
          commands.write("heap\n");
          commands.flush();
          String answer = lines.poll(60, TimeUnit.SECONDS);
          if (answer == null || !answer.startsWith("heap ")) {
            throw new IOException("no heap figure from the Artemis process: " + answer);
          }
          return Long.parseLong(answer.substring(5));
        }

        @Override
        public long rssBytes() {
          return rss(broker.pid()).orElse(-1L);
        }

        @Override
        public long cpuNanos() {
          return broker.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }
      };
      String table = measure(port, id -> TlsContexts.client(clients.resolve(id + "-cert.pem"),
          clients.resolve(id + "-key.pem"), ca, true), probe);
      commands.write("quit\n");
      commands.flush();
      return "#### ActiveMQ Artemis " + f[3] + " (embedded, its own JVM, -Xmx1g, persistence off)\n\n" + table;
    } finally {
      broker.destroy();
      if (!broker.waitFor(30, TimeUnit.SECONDS)) {
        broker.destroyForcibly();
      }
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }

  private String rabbitMq(Path dir) throws Exception {
    if (!RabbitMqNode.isInstalled()) {
      return "#### RabbitMQ\n\nNot run: " + RabbitMqNode.INSTALL_HINT + "\n\n";
    }
    BrokerPki pki = BrokerPki.generate(dir.resolve("pki"));
    List<RabbitMqUser> users = new ArrayList<>();
    users.add(RabbitMqUser.unrestricted("engine"));
    hostIds(steps[steps.length - 1]).forEach(id -> users.add(RabbitMqUser.vdsmHost(id)));
    RabbitMqNodeSettings settings = RabbitMqNodeSettings.withFreePorts("vdsm-fleet", dir.resolve("node"), pki, users);
    try (RabbitMqNode node = RabbitMqNode.start(settings, START_TIMEOUT)) {
      ProcessHandle beam = ProcessHandle.current().descendants()
          .filter(p -> p.info().command().map(c -> c.endsWith("beam.smp")).orElse(false))
          .findFirst().orElseThrow(() -> new IOException("RabbitMQ's Erlang VM (beam.smp) not found"));
      Probe probe = new Probe() {
        @Override
        public long heapBytes() {
          return -1;
        }

        @Override
        public long rssBytes() {
          return node.residentMemoryBytes().orElse(-1L);
        }

        @Override
        public long cpuNanos() {
          return beam.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }
      };
      String table = measure(node.stompPort(), id -> pki.client(id).sslContext(), probe);
      return "#### RabbitMQ (Debian's 3.10.8 package, a private node, STOMP plugin, ssl_cert_login)\n\n" + table;
    }
  }

  private String measure(int port, IdleHosts.Credentials credentials, Probe probe) throws Exception {
    StringBuilder table = new StringBuilder(
        "| host sessions | request queues | connect time of the step | heap after GC | heap per session "
            + "| RSS | RSS per session | broker CPU while idle | per session |\n"
            + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    String loadBefore = BrokerBench.loadAverage();
    List<String> ids = hostIds(steps[steps.length - 1]);
    try (IdleHosts hosts = new IdleHosts(port)) {
      Sample base = sample(probe, 0);
      table.append(base.row(base, 0));
      int held = 0;
      for (int step : steps) {
        long t0 = System.nanoTime();
        hosts.add(ids.subList(held, step), credentials, CONNECT_TIMEOUT);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        held = step;
        Sample s = sample(probe, hosts.open());
        table.append(s.row(base, connectSeconds));
        System.err.println("fleet: " + step + " host sessions measured");
      }
    }
    return table + "\nLoad average (1, 5, 15 min) before: " + loadBefore + "; after: " + BrokerBench.loadAverage()
        + ".\n\n";
  }

  /** Lets the connect burst settle, then measures memory and the CPU of an idle window. */
  private Sample sample(Probe probe, int sessions) throws Exception {
    Thread.sleep(SETTLE.toMillis()); // a measurement window, not a synchronization
    long heap = probe.heapBytes();
    long rss = probe.rssBytes();
    long cpu0 = probe.cpuNanos();
    long wall0 = System.nanoTime();
    Thread.sleep(idle.toMillis()); // the idle window whose CPU is measured
    double share = (probe.cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
    return new Sample(sessions, heap, rss, share);
  }

  private record Sample(int sessions, long heap, long rss, double cpuShare) {
    String row(Sample base, double connectSeconds) {
      int n = sessions;
      return String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %.1f %% of a core | %s |%n", n, 4 * n,
          n == 0 ? "" : String.format(Locale.ROOT, "%.1f s", connectSeconds), mib(heap),
          n == 0 || heap < 0 ? "" : kib((heap - base.heap) / (double) n), mib(rss),
          n == 0 || rss < 0 ? "" : kib((rss - base.rss) / (double) n), cpuShare * 100,
          n == 0 ? "" : String.format(Locale.ROOT, "%.0f µs/s", (cpuShare - base.cpuShare) * 1e6 / n));
    }

    private static String mib(long bytes) {
      return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String kib(double bytes) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
    }
  }

  private static BlockingQueue<String> lines(Process process) {
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(100);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.offer(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "fleet-broker-stdout");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static Optional<Long> rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}

package org.ovirt.vdsm.messaging.it.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.it.broker.ArtemisCertificateLogin;
import org.ovirt.vdsm.messaging.it.broker.ArtemisNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.EmbeddedArtemis;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqNode;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqUser;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostRunner;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostSettings;

/**
 * Scenario (broker): small calls ({@code Host.ping2}) at 1 and 64 in flight from engine-client to a
 * host with the default API, three ways in one run: direct (mutual TLS to the host's port), through
 * an ActiveMQ Artemis node embedded in this JVM, and through a private RabbitMQ node (a process of
 * its own; skipped with the reason when RabbitMQ is not installed). Both brokers speak STOMP over
 * mutual TLS with certificate login, as in production; engine and host are in this JVM, so the
 * "server CPU" column here is the host's threads ({@code vdsm-io}, {@code vdsm-broker-*}, {@code
 * jsonrpc-*}) and the broker's CPU is given apart.
 */
final class BrokerBench {
  private static final String HOST_ID = "bench-host";
  private static final String ENGINE_ID = "bench-engine";
  private static final List<String> HOST_THREADS = List.of("vdsm-io", "vdsm-accept", "vdsm-broker-", "jsonrpc-");
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int[] IN_FLIGHT = {1, 64};

  /** One measured row: Bench's own load driver ({@code Bench#pipelined}). */
  @FunctionalInterface
  interface Measurement {
    Row measure(String name, int inFlight, Supplier<CompletableFuture<?>> call) throws Exception;
  }

  private final Report report;
  private final Measurement measurement;
  private final List<Row> rows = new ArrayList<>();
  private final StringBuilder brokerCpu = new StringBuilder();

  private BrokerBench(Report report, Measurement measurement) {
    this.report = report;
    this.measurement = measurement;
  }

  /** Runs the scenario and adds its table and notes to {@code report}. */
  static void run(Report report, Measurement measurement) throws Exception {
    new BrokerBench(requireNonNull(report, "report"), requireNonNull(measurement, "measurement")).run();
  }

  private void run() throws Exception {
    String loadBefore = loadAverage();
    Path dir = Files.createTempDirectory("vdsm-broker-bench");
    BrokerPki pki = BrokerPki.generate(dir.resolve("pki"));
    try (EngineClientFactory factory = EngineClientFactory.builder().pki(pki.layout()).defaultTimeout(WAIT).build()) {
      direct(pki, factory);
      artemis(pki, factory, dir);
      String skipped = rabbitMq(pki, factory, dir);
      rows.forEach(report::row);
      report.note(notes(skipped, loadBefore));
    }
  }

  private void direct(BrokerPki pki, EngineClientFactory factory) throws Exception {
    try (VdsmServer server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki.layout()),
        SimulationSettings.immediate())) {
      InetSocketAddress address = server.start();
      HostClient client = factory.connect("localhost", address.getPort()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      try {
        measureAll("direct ping2", client, null);
      } finally {
        client.close();
      }
    }
  }

  private void artemis(BrokerPki pki, EngineClientFactory factory, Path dir) throws Exception {
    ArtemisCertificateLogin login = ArtemisCertificateLogin.write(dir.resolve("login"), pki, List.of(HOST_ID));
    try (EmbeddedArtemis artemis = EmbeddedArtemis.start(
        ArtemisNodeSettings.singleNode("bench-artemis", dir.resolve("artemis"), pki).withCertificateLogin(login))) {
      String name = "Artemis " + artemis.server().getVersion().getFullVersion() + " ping2";
      throughBroker(name, pki, factory, artemis.stompUrl(), this::artemisCpuNanos);
    }
  }

  /** Returns why RabbitMQ was skipped, or {@code null} when it ran. */
  private String rabbitMq(BrokerPki pki, EngineClientFactory factory, Path dir) throws Exception {
    if (!RabbitMqNode.isInstalled()) {
      System.err.println("broker scenario: RabbitMQ skipped: " + RabbitMqNode.INSTALL_HINT);
      return RabbitMqNode.INSTALL_HINT;
    }
    RabbitMqNodeSettings settings = RabbitMqNodeSettings.withFreePorts("vdsm-bench", dir.resolve("rabbit"), pki,
        List.of(RabbitMqUser.unrestricted("engine"), RabbitMqUser.vdsmHost(HOST_ID)));
    try (RabbitMqNode rabbit = RabbitMqNode.start(settings, WAIT)) {
      ProcessHandle beam = ProcessHandle.current().descendants()
          .filter(p -> p.info().command().map(c -> c.endsWith("beam.smp")).orElse(false))
          .findFirst().orElseThrow(() -> new IOException("RabbitMQ's Erlang VM (beam.smp) not found"));
      throughBroker("RabbitMQ " + rabbitVersion() + " ping2", pki, factory, rabbit.stompUrl(),
          () -> beam.info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
    }
    return null;
  }

  private void throughBroker(String name, BrokerPki pki, EngineClientFactory factory, String url,
      Supplier<Long> brokerCpuNanos) throws Exception {
    BrokeredHostSettings settings = BrokeredHostSettings.of(List.of(BrokerUrl.parse(url)), HOST_ID,
        EnumSet.allOf(Subsystem.class));
    CompletableFuture<String> subscribed = new CompletableFuture<>();
    try (BrokeredHostRunner host = BrokeredHostRunner.start(VdsmServerConfig.plain("127.0.0.1", 0),
            SimulationSettings.immediate(), settings, pki.client(HOST_ID).sslContext(), false, subscribed::complete);
        BrokerConnection broker = factory.broker(ENGINE_ID, URI.create(url))) {
      subscribed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      broker.connected().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      measureAll(name, broker.host(HOST_ID), brokerCpuNanos);
    }
  }

  /**
   * Measures {@code client} at each in-flight count. The host's (and broker's) CPU per call is taken
   * over the whole row, warm-up included, divided by every call made in it: the same steady load.
   */
  private void measureAll(String name, HostClient client, Supplier<Long> brokerCpuNanos) throws Exception {
    AtomicLong calls = new AtomicLong();
    Supplier<CompletableFuture<?>> ping = () -> {
      calls.incrementAndGet();
      return client.call("Host.ping2", null);
    };
    for (int inFlight : IN_FLIGHT) {
      calls.set(0);
      Map<Long, Long> hostStart = threadCpu(HOST_THREADS);
      long broker0 = brokerCpuNanos == null ? 0 : brokerCpuNanos.get();
      Row row = measurement.measure(name, inFlight, ping);
      long n = Math.max(1, calls.get());
      row.cpu(row.clientCpuMicros, cpuSince(hostStart, HOST_THREADS) / 1000.0 / n);
      if (brokerCpuNanos != null) {
        brokerCpu.append(String.format(Locale.ROOT, "| %s | %d | %s |%n", name, inFlight,
            Bench.fmt((brokerCpuNanos.get() - broker0) / 1000.0 / n)));
      }
      rows.add(row);
    }
  }

  private String notes(String rabbitSkipped, String loadBefore) {
    StringBuilder sb = new StringBuilder();
    sb.append("Broker CPU per call (Artemis: its threads in this JVM; RabbitMQ: its Erlang VM), ")
        .append("over each row, warm-up included:\n\n")
        .append("| call | in flight | broker CPU µs/call |\n| --- | ---: | ---: |\n").append(brokerCpu).append('\n');
    Map<Integer, Row> direct = new HashMap<>();
    rows.stream().filter(r -> r.name.startsWith("direct")).forEach(r -> direct.put(r.inFlight, r));
    sb.append("Through a broker relative to direct:\n\n");
    for (Row r : rows) {
      Row d = direct.get(r.inFlight);
      if (d != null && r != d) {
        sb.append(String.format(Locale.ROOT, "- %s, %d in flight: %.2fx the calls/s, p50 %.1fx, p99 %.1fx%n", r.name,
            r.inFlight, r.callsPerSecond / d.callsPerSecond,
            r.latency.getValueAtPercentile(50) / (double) d.latency.getValueAtPercentile(50),
            r.latency.getValueAtPercentile(99) / (double) d.latency.getValueAtPercentile(99)));
      }
    }
    if (rabbitSkipped != null) {
      sb.append("\nRabbitMQ rows not run: ").append(rabbitSkipped).append('\n');
    }
    sb.append("\nLoad average (1, 5, 15 min) before this scenario: ").append(loadBefore)
        .append("; after: ").append(loadAverage()).append(".\n");
    return sb.toString();
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static Map<Long, Long> threadCpu(List<String> prefixes) {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && prefixes.stream().anyMatch(info.getThreadName()::startsWith)) {
        cpu.put(info.getThreadId(), Math.max(0, THREADS.getThreadCpuTime(info.getThreadId())));
      }
    }
    return cpu;
  }

  private static long cpuSince(Map<Long, Long> start, List<String> prefixes) {
    long total = 0;
    for (Map.Entry<Long, Long> now : threadCpu(prefixes).entrySet()) {
      total += now.getValue() - start.getOrDefault(now.getKey(), 0L);
    }
    return total;
  }

  /** CPU time of the Artemis threads in this JVM (their names carry "activemq"). */
  private long artemisCpuNanos() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().toLowerCase(Locale.ROOT).contains("activemq")) {
        total += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  private static String rabbitVersion() {
    // Debian's package keeps its version in the plugins directory name (rabbitmq_server-3.10.8).
    try (var dirs = Files.list(Path.of("/usr/lib/rabbitmq/lib"))) {
      return dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rabbitmq_server-"))
          .map(n -> n.substring("rabbitmq_server-".length())).findFirst().orElse("");
    } catch (IOException e) {
      return "";
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}

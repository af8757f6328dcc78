package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.testing.RawStompClient;

/**
 * Soak: mixed load against one host for a while, sampling heap after GC, RSS, Netty's direct
 * memory, threads and file descriptors; nothing may grow, no operation may be lost, and at the end
 * threads and descriptors come back to where they were before the load.
 *
 * <p>Load: the engine's calls of every subsystem (two threads, one connection) with a fast event
 * subscriber; events published at about 200 a second; a slow subscriber behind a 16 KiB/s link (the
 * host's per-connection write bound is lowered to 2 MiB, and so the body limit to 1 MiB, so that it
 * is reached within the warm-up); a client whose
 * connection is reset every 5 s and reconnects; connection churn (connect, call, close; a new
 * client factory every 20th time; silent TCP connections); legacy XML-RPC on a kept-alive
 * connection and on one-shot HTTPS connections; broker destinations (a SEND to two topics, received
 * through a subscription of their parent).
 *
 * <p>Runs for 60 s in {@code ./mvnw -B verify}; {@code -Dsoak.minutes=30} for a long run (see
 * {@code docs/testing.md}). The figures go to standard output and to {@code
 * target/soak-report-<seconds>s.md}.
 */
class SoakTest {
  private static final long MIB = 1024 * 1024;
  private static final String HOST = "127.0.0.1";

  @TempDir Path dir;

  private final SoakCounters counters = new SoakCounters();
  private final LongAdder fastEvents = new LongAdder();
  private final LongAdder slowEvents = new LongAdder();
  private final AtomicLong reconnects = new AtomicLong();
  private final List<AutoCloseable> resources = new ArrayList<>();

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  static Duration duration() {
    String minutes = System.getProperty("soak.minutes");
    return minutes == null || minutes.isBlank() ? Duration.ofSeconds(60) : Duration.ofSeconds((long) (Double.parseDouble(minutes) * 60));
  }

  @Test
  void mixedLoadGrowsNothingAndLosesNothing() throws Exception {
    Duration duration = duration();
    Duration interval = clamp(duration.dividedBy(15), Duration.ofSeconds(3), Duration.ofSeconds(20));
    Duration warmUp = clamp(duration.dividedBy(6), Duration.ofSeconds(20), Duration.ofSeconds(120));
    try {
      run(duration, interval, warmUp);
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }

  private void run(Duration duration, Duration interval, Duration warmUp) throws Exception {
    TestHost host = keep(TestHost.start(dir, c -> c.withStomp(c.stomp()
            .withLimits(c.stomp().limits().withMaxBodyBytes((int) MIB)).withMaxPendingWriteBytes(2 * MIB)),
        SimulationSettings.defaults().withTaskDuration(Duration.ofMillis(200))));
    host.server.methods().register("Host.getNetworkCapabilities", List.of(), p -> SoakOperations.networkCapabilities());
    // The one-shot HTTPS connections and the broker load share this JDK context. Its client session
    // cache keeps every session (two per connection with TLS 1.3 tickets) for 24 h, up to 20,480
    // (javax.net.ssl.sessionCacheSize): about 28 MiB of heap that took 25 minutes to fill in a 30-minute
    // run, the heap growth of the test itself. Bounded here so that the heap trend is the host's.
    SSLContext engineTls = host.engineSslContext();
    engineTls.getClientSessionContext().setSessionCacheSize(256);
    SSLSocketFactory tls = engineTls.getSocketFactory();
    SoakOperations ops = new SoakOperations(host.address, tls);

    EngineClientFactory engine = keep(EngineClientFactory.builder().pki(host.pki).defaultTimeout(SoakOperations.WAIT).build());
    HostClient main = engine.connect(HOST, host.port()).get(30, TimeUnit.SECONDS);
    main.subscribe(HOST + "|*|*|*", e -> fastEvents.increment());
    HostClient xmlRpc = engine.openXmlRpc(HOST, host.port());
    SoakOperations.call(xmlRpc, RpcCall.of("Host.ping2"));

    TcpProxy slowLink = keep(new TcpProxy(host.address));
    slowLink.inject(TcpProxy.Direction.DOWNSTREAM, new ProxyFault.Bandwidth(16 * 1024));
    HostClient slow = engine.connect(HOST, slowLink.port()).get(30, TimeUnit.SECONDS);
    slow.subscribe(HOST + "|virt|*|*", e -> slowEvents.increment());

    TcpProxy flakyLink = keep(new TcpProxy(host.address));
    EngineClientFactory reconnecting = keep(EngineClientFactory.builder().pki(host.pki)
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(500))).build());
    HostClient flaky = reconnecting.connect(HOST, flakyLink.port()).get(30, TimeUnit.SECONDS);
    flaky.addStateListener((c, s, cause) -> {
      if (s == HostClient.State.CONNECTED) {
        reconnects.incrementAndGet();
      }
    });
    EngineClientFactory churn = keep(EngineClientFactory.builder().pki(host.pki).defaultTimeout(SoakOperations.WAIT).build());
    SoakOperations.call(main, RpcCall.of("Host.ping2"));

    ResourceSampler sampler = new ResourceSampler(counters::total);
    ResourceSample baseline = sampler.sample();
    int baselineConnections = host.server.budgets().connections();
    Map<String, Long> baselineThreads = ResourceSampler.threadCensus();
    SoakDrivers drivers = new SoakDrivers(counters);
    drivers.start("engine-1", () -> ops.engineStep(main));
    drivers.start("engine-2", () -> ops.engineStep(main));
    drivers.start("events", () -> publishEvents(host));
    drivers.start("reconnect", () -> {
      SoakOperations.call(flaky, RpcCall.of("Host.ping2"));
      return "ping";
    });
    AtomicLong lastReset = new AtomicLong(System.nanoTime());
    drivers.start("link-reset", () -> {
      SoakDrivers.pause(5_000);
      flakyLink.resetAll();
      lastReset.set(System.nanoTime());
      return "reset";
    });
    drivers.start("churn", new Churn(churn, host, ops)::step);
    drivers.start("xmlrpc", () -> ops.xmlRpcStep(xmlRpc));
    drivers.start("xmlrpc-oneshot", ops::xmlRpcOneShot);
    BrokerLoad brokerLoad = keep(new BrokerLoad(host, tls));
    drivers.start("broker", brokerLoad::step);

    List<ResourceSample> samples = new ArrayList<>();
    String mostThreads = "";
    int mostThreadsCount = 0;
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      SoakDrivers.pause(Math.min(interval.toMillis(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      ResourceSample sample = sampler.sample();
      samples.add(sample);
      if (sample.threads() > mostThreadsCount) { // which threads a peak is made of, for the report
        mostThreadsCount = sample.threads();
        mostThreads = "t=" + sample.elapsedMs() / 1000 + " s: " + ResourceSampler.threadCensus();
      }
    }
    List<String> stuck = drivers.stop(SoakOperations.WAIT.toMillis() + 30_000);
    resources.remove(brokerLoad);
    brokerLoad.close();
    assertThat(stuck).as("drivers still running after the deadline").isEmpty();
    assertThat(main.pendingCalls()).isZero();
    assertThat(flaky.pendingCalls()).isZero();
    assertThat(xmlRpc.pendingCalls()).isZero();

    String report = report(duration, baseline, samples) + "\nThreads at the end of the load: " + ResourceSampler.threadCensus()
        + "\nThreads at the sample with the most (" + mostThreadsCount + ", " + mostThreads + ")\n";
    System.out.println(report);
    Files.writeString(Path.of("target", "soak-report-" + duration.toSeconds() + "s.md"), report);

    List<ResourceSample> steady = samples.stream().filter(s -> s.elapsedMs() >= warmUp.toMillis()).toList();
    ResourceTrend.Tolerances tolerances = new ResourceTrend.Tolerances(16 * MIB, 0.10, 192 * MIB, 24, 48);
    assertThat(ResourceTrend.violations(steady, tolerances)).as("growth after warm-up").isEmpty();
    Map<String, Long> errors = counters.errors();
    assertThat(errors).as("failures of drivers whose peer is healthy")
        .allSatisfy((kind, n) -> assertThat(kind).startsWith("reconnect: ConnectionLostException"));
    for (String driver : List.of("engine-1", "engine-2", "events", "reconnect", "churn", "xmlrpc", "xmlrpc-oneshot", "broker")) {
      assertThat(counters.doneBy(driver)).as(driver + " did something").isPositive();
    }
    assertThat(slowEvents.sum()).as("the slow subscriber received events").isPositive();
    assertThat(slowEvents.sum()).as("the slow subscriber lagged").isLessThan(fastEvents.sum());

    // With the load gone, what it used comes back: connections and descriptors to where they were
    // before the load (fewer: the host closes an idle HTTP connection after 60 s), threads to the
    // level of the bounded pools, which fill up during the warm-up and keep their threads.
    int poolLevel = steady.stream().mapToInt(ResourceSample::threads).min().orElseThrow();
    System.out.println("Threads before the load: " + baselineThreads);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(host.server.budgets().connections()).as("connections held by the host").isLessThanOrEqualTo(baselineConnections);
      assertThat(ResourceSampler.fds()).as("file descriptors").isLessThanOrEqualTo(baseline.fds() + 2);
      assertThat(java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount())
          .as("threads, now %s", ResourceSampler.threadCensus()).isLessThanOrEqualTo(poolLevel + 2);
    });
    assertThat(main.state()).isEqualTo(HostClient.State.CONNECTED);
    assertThat(slow.state()).isEqualTo(HostClient.State.CONNECTED);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> flaky.state() == HostClient.State.CONNECTED);
  }

  private String publishEvents(TestHost host) {
    for (int i = 0; i < 20; i++) {
      String vmId = "soak-event-" + (i % 50);
      host.server.events().publish("virt", "VM_status", vmId, Hosts.vmStatus(vmId, i % 2 == 0 ? "Up" : "Paused"));
    }
    SoakDrivers.pause(100); // pacing: about 200 events a second
    return "20 events";
  }

  private String report(Duration duration, ResourceSample baseline, List<ResourceSample> samples) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Soak of %d s, load average at the end %s%n%n", duration.toSeconds(),
        Files.readString(Path.of("/proc/loadavg")).trim()));
    sb.append(ResourceSample.header()).append('\n');
    sb.append(baseline.row()).append(" (before the load)\n");
    samples.forEach(s -> sb.append(s.row()).append('\n'));
    sb.append(String.format("%nOperations that succeeded: %d%n", counters.total()));
    counters.done().forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
    sb.append(String.format("%nFailures:%s%n", counters.errors().isEmpty() ? " none" : ""));
    counters.errors().forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
    sb.append(String.format("%nEvents: fast subscriber %d, slow subscriber %d; reconnections %d%n",
        fastEvents.sum(), slowEvents.sum(), reconnects.get()));
    return sb.toString();
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  /** Connection churn: connect, call, close; a new factory every 20th time; a silent TCP connection. */
  private static final class Churn {
    private final EngineClientFactory factory;
    private final TestHost host;
    private final SoakOperations ops;
    private int i;

    Churn(EngineClientFactory factory, TestHost host, SoakOperations ops) {
      this.factory = factory;
      this.host = host;
      this.ops = ops;
    }

    String step() throws Exception {
      i++;
      if (i % 5 == 0) {
        return ops.silentConnection();
      }
      if (i % 20 == 1) {
        try (EngineClientFactory fresh = EngineClientFactory.builder().pki(host.pki).defaultTimeout(SoakOperations.WAIT).build();
            HostClient c = SoakOperations.await(fresh.connect(HOST, host.port()))) {
          SoakOperations.call(c, RpcCall.of("Host.ping2"));
        }
        return "new factory, connect, ping, close";
      }
      try (HostClient c = SoakOperations.await(factory.connect(HOST, host.port()))) {
        SoakOperations.call(c, RpcCall.of("Host.ping2"));
      }
      return "connect, ping, close";
    }
  }

  /** Broker destinations over a raw STOMP/TLS connection: two topics received through their parent. */
  private static final class BrokerLoad implements AutoCloseable {
    private final TestHost host;
    private final SSLSocketFactory tls;
    private RawStompClient client;
    private int i;

    BrokerLoad(TestHost host, SSLSocketFactory tls) {
      this.host = host;
      this.tls = tls;
    }

    String step() throws IOException {
      if (client == null || i++ % 200 == 0) {
        if (client != null) {
          client.send("DISCONNECT\nreceipt:bye\n\n\0");
          expect(client.readFrame(), "RECEIPT");
          client.close();
        }
        client = new RawStompClient(tls, host.address, SoakOperations.WAIT);
        expect(client.connect("0,0").readFrame(), "CONNECTED");
        client.send("SUBSCRIBE\nid:soak\ndestination:soak.topic\nack:auto\nreceipt:s\n\n\0");
        expect(client.readFrame(), "RECEIPT");
      }
      for (String leaf : List.of("a", "b")) {
        String body = "message " + i + " to " + leaf;
        client.send("SEND\ndestination:soak.topic." + leaf + "\ncontent-length:" + body.length() + "\n\n" + body + "\0");
        RawStompClient.Frame m = expect(client.readFrame(), "MESSAGE");
        if (!m.bodyText().equals(body) || !("soak.topic." + leaf).equals(m.header("destination"))) {
          throw new IOException("unexpected MESSAGE " + m.headers() + " " + m.bodyText());
        }
      }
      return "send to two topics, receive through their parent";
    }

    @Override
    public void close() throws IOException {
      if (client != null) {
        client.close();
        client = null;
      }
    }

    private static RawStompClient.Frame expect(RawStompClient.Frame f, String command) throws IOException {
      if (!f.command().equals(command)) {
        throw new IOException("expected " + command + ", got " + f.command() + " " + f.headers() + " " + f.bodyText());
      }
      return f;
    }
  }
}

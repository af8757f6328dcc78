package org.ovirt.vdsm.messaging.it.bench;

import com.google.gson.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;
import org.ovirt.vdsm.messaging.server.rpc.ApiMethod;
import org.ovirt.vdsm.messaging.it.bench.jmh.LargeResult;
import org.ovirt.vdsm.messaging.it.bench.ovirt.OvirtClientComparison;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.guard.GuardSettings;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * The benchmark harness of {@code docs/benchmarks.md}: an in-process host server driven by
 * engine-client over mutual TLS on loopback, next to legacy XML-RPC over HTTPS on the same server
 * and a raw TLS echo ceiling, then many connections held by one client, event fan-out and JMH
 * micro benchmarks. Writes a markdown report.
 *
 * <p>Options: {@code --out FILE} (default: print only), {@code --quick} (short runs, for trying
 * the harness), {@code --hosts N} (connections of the many-hosts scenario, default 5000),
 * {@code --skip a,b,...} (scenario letters, {@code cpu} or {@code jmh}).
 */
public final class Bench {
  private static final List<String> SERVER_THREADS = List.of("vdsm-io", "vdsm-accept", "jsonrpc-", "bench-echo-server");
  private static final List<String> CLIENT_THREADS = List.of("vdsm-client", "bench-caller", "HttpClient", "bench-echo-client");

  private final boolean quick;
  private final int hosts;
  private final Set<String> skip;
  private final Report report = new Report();

  private Bench(boolean quick, int hosts, Set<String> skip) {
    this.quick = quick;
    this.hosts = hosts;
    this.skip = skip;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "demo-logback.xml");
    }
    Path out = null;
    boolean quick = false;
    int hosts = 5000;
    Set<String> skip = Set.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--quick" -> quick = true;
        case "--hosts" -> hosts = Integer.parseInt(args[++i]);
        case "--skip" -> skip = Set.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Bench bench = new Bench(quick, hosts, skip);
    List<String> shown = new ArrayList<>(List.of(args));
    int outAt = shown.indexOf("--out");
    if (outAt >= 0) {
      shown.subList(outAt, Math.min(outAt + 2, shown.size())).clear(); // a local path says nothing
    }
    String markdown = bench.run(String.join(" ", shown));
    System.out.println(markdown);
    if (out != null) {
      Files.writeString(out, Report.splice(Files.exists(out) ? Files.readString(out) : null, markdown));
      System.out.println("written to " + out.toAbsolutePath());
    }
    System.exit(0);
  }

  private Duration warmup() {
    return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(4);
  }

  private Duration measure() {
    return quick ? Duration.ofSeconds(2) : Duration.ofSeconds(8);
  }

  private String run(String args) throws Exception {
    Path dir = Files.createTempDirectory("vdsm-bench");
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.RSA_2048);
    report.machine(TlsContexts.provider().toString(), NettyTransport.best().toString(), args);

    MethodRegistry methods = new MethodRegistry();
    JsonObject big = LargeResult.capabilities(200 * 1024);
    methods.registerInline("Host.ping2", List.of(), p -> null); // as the default backend registers it
    methods.register("Host.getCapabilities", List.of(), p -> big);
    if (!skip.contains("b")) {
      registerLargeAnswers(methods, big);
    }
    VdsmServerConfig plainConfig = VdsmServerConfig.tls("127.0.0.1", 0, pki);
    // Every benchmark client connects from 127.0.0.1: lift the per-address limit for the many-hosts run.
    VdsmServerConfig config = plainConfig.withStomp(plainConfig.stomp().withGuards(
        GuardSettings.DEFAULTS.withConnectionLimits(Math.max(10_000, hosts + 1_000), Math.max(10_000, hosts + 1_000))));
    try (VdsmServer server = new VdsmServer(config, methods)) {
      InetSocketAddress address = server.start();
      try (EngineClientFactory factory = EngineClientFactory.builder().pki(pki).build()) {
        HostClient client = factory.connect("localhost", address.getPort()).get(30, TimeUnit.SECONDS);
        Supplier<CompletableFuture<?>> ping = () -> client.call("Host.ping2", null);
        Supplier<CompletableFuture<?>> caps = () -> client.call("Host.getCapabilities", null);
        if (!skip.contains("a")) {
          report.section("a", "Small call (Host.ping2), JSON-RPC over STOMP over mutual TLS, one connection");
          report.row(latency("JSON-RPC/STOMP ping2", ping));
          report.row(pipelined("JSON-RPC/STOMP ping2", 64, ping));
          report.row(pipelined("JSON-RPC/STOMP ping2", 256, ping));
        }
        if (!skip.contains("b")) {
          report.section("b", "Large response (Host.getCapabilities padded to "
              + JsonRpcCodec.encode(JsonRpcResponse.success(JsonRpcId.random(), big)).length / 1024 + " KiB)");
          report.row(latency("JSON-RPC/STOMP getCapabilities", caps));
          report.row(pipelined("JSON-RPC/STOMP getCapabilities", 16, caps));
          largeAnswers(client);
        }
        if (!skip.contains("c")) {
          legacyComparison(pki, address, factory, client);
        }
        client.close();
      }
      if (!skip.contains("d")) {
        ceiling(pki);
      }
      if (!skip.contains("f")) {
        report.section("f", "Event fan-out");
        report.note(EventFanOut.run(pki, server, address, quick));
      }
    }
    if (!skip.contains("broker")) {
      report.section("broker", "Small calls through an external broker (Artemis, RabbitMQ) next to direct, same host API");
      BrokerBench.run(report, this::pipelined);
    }
    if (!skip.contains("h")) {
      report.section("h", "engine-client alone in a JVM with -Xmx256m, host and echo in processes of their own (issue 13)");
      report.note(ClientAlone.inChildJvm(pki, quick));
    }
    if (!skip.contains("e")) {
      report.section("e", "Many hosts: one engine-client holding many connections with heart-beats");
      report.note(ManyHosts.run(pki, hosts, quick));
    }
    if (!skip.contains("cpu")) {
      report.section("cpu", "The 145 KiB answer's codec operations, CPU time per operation (issue 13)");
      report.note(LargeAnswerCpu.run(quick));
    }
    if (!skip.contains("jmh")) {
      report.section("jmh", "JMH micro benchmarks (ops/s, higher is better)");
      report.note(Jmh.run(quick));
    }
    // Last: vdsm-jsonrpc-java's reactor thread was seen spinning on a core in this JVM after its client
    // closed (a full run of 2026-12-02), which would load every scenario after it.
    if (!skip.contains("g")) {
      report.section("g", "The engine's own client (vdsm-jsonrpc-java 1.7.4, " + OvirtClientComparison.THREADS
          + " threads of sequential Host.ping2) against vdsm-server and a minimal Python asyncio host, separate processes");
      report.note(OvirtClientComparison.run(pki, quick, 2));
    }
    report.peakHeap(peakHeapBytes());
    return report.markdown(LocalDate.now().toString());
  }

  /**
   * The same answer as {@code Host.getCapabilities} (a tree built by the method, as before issue 13)
   * two more ways: a Java model written by streaming on every call, and bytes encoded once (a host
   * that caches its capabilities).
   */
  private static void registerLargeAnswers(MethodRegistry methods, JsonObject big) {
    LargeResult.Capabilities model = LargeResult.model(200 * 1024);
    ResultValue cached = ResultValue.preEncoded(big);
    methods.register("Host.getCapabilitiesStreamed", List.of(),
        ApiMethod.streaming(p -> ResultValue.of(model, LargeResult.Capabilities.class)));
    methods.register("Host.getCapabilitiesCached", List.of(), ApiMethod.streaming(p -> cached));
  }

  /**
   * Scenario (b), issue 13: the same 145 KiB answer without trees, side by side with the tree rows
   * above: written by streaming from a Java model on every call, or pre-encoded once (cached); read
   * by the engine as the model's type straight from the bytes.
   */
  private void largeAnswers(HostClient client) throws Exception {
    RpcCall streamed = RpcCall.of("Host.getCapabilitiesStreamed");
    RpcCall cachedCall = RpcCall.of("Host.getCapabilitiesCached");
    Class<LargeResult.Capabilities> type = LargeResult.Capabilities.class;
    Supplier<CompletableFuture<?>> streamedTyped = () -> client.call(streamed, type);
    Supplier<CompletableFuture<?>> cachedTree = () -> client.call(cachedCall);
    Supplier<CompletableFuture<?>> cachedTyped = () -> client.call(cachedCall, type);
    LargeResult.Capabilities check = client.call(cachedCall, type).get(30, TimeUnit.SECONDS);
    if (!check.equals(LargeResult.model(200 * 1024))) {
      throw new IllegalStateException("the typed answer differs from the model");
    }
    report.row(latency("getCapabilities streamed from a model, read typed", streamedTyped));
    report.row(latency("getCapabilities pre-encoded (cached), read as a tree", cachedTree));
    report.row(latency("getCapabilities pre-encoded (cached), read typed", cachedTyped));
    report.row(pipelined("getCapabilities streamed from a model, read typed", 16, streamedTyped));
    report.row(pipelined("getCapabilities pre-encoded (cached), read typed", 16, cachedTyped));
  }

  /** Scenario (c): the same calls over legacy XML-RPC over HTTPS on the same server, side by side. */
  private void legacyComparison(PkiLayout pki, InetSocketAddress address, EngineClientFactory factory, HostClient client)
      throws Exception {
    report.section("c", "JSON-RPC/STOMP versus legacy XML-RPC/HTTP on the same server, same TLS");
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(BenchTls.engineContext(pki))
        .executor(java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
          Thread t = new Thread(r, "HttpClient-bench");
          t.setDaemon(true);
          return t;
        }))
        .build();
    URI uri = URI.create("https://localhost:" + address.getPort() + "/RPC2");
    Supplier<CompletableFuture<?>> xmlPing = () -> xmlRpc(http, uri, "ping");
    Supplier<CompletableFuture<?>> xmlCaps = () -> xmlRpc(http, uri, "getVdsCapabilities");
    try {
      xmlPing.get().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      report.note("XML-RPC is not served by this build (" + e.getMessage() + "): scenario (c) not run.");
      return;
    }
    Supplier<CompletableFuture<?>> ping = () -> client.call("Host.ping2", null);
    Supplier<CompletableFuture<?>> caps = () -> client.call("Host.getCapabilities", null);
    List<Row> rows = new ArrayList<>();
    rows.add(withBytes(latency("JSON-RPC/STOMP ping2", ping), address, factory, "Host.ping2", null));
    rows.add(withBytes(latency("XML-RPC/HTTP ping", xmlPing), address, null, "ping", pki));
    rows.add(pipelined("JSON-RPC/STOMP ping2", 64, ping));
    rows.add(pipelined("XML-RPC/HTTP ping (64 connections)", 64, xmlPing));
    rows.add(withBytes(latency("JSON-RPC/STOMP getCapabilities", caps), address, factory, "Host.getCapabilities", null));
    rows.add(withBytes(latency("XML-RPC/HTTP getVdsCapabilities", xmlCaps), address, null, "getVdsCapabilities", pki));
    rows.add(pipelined("JSON-RPC/STOMP getCapabilities", 16, caps));
    rows.add(pipelined("XML-RPC/HTTP getVdsCapabilities (16 connections)", 16, xmlCaps));
    rows.forEach(report::row);
    report.ratios(rows);
  }

  private static CompletableFuture<String> xmlRpc(HttpClient http, URI uri, String verb) {
    String body = "<?xml version=\"1.0\"?><methodCall><methodName>" + verb + "</methodName><params></params></methodCall>";
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Content-Type", "text/xml")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200 || !r.body().contains("methodResponse") || r.body().contains("<fault>")) {
        throw new IllegalStateException("HTTP " + r.statusCode());
      }
      return r.body();
    });
  }

  /** Adds bytes on the wire per call, measured through a counting proxy (TLS records included). */
  private Row withBytes(Row row, InetSocketAddress address, EngineClientFactory factory, String method, PkiLayout legacyPki)
      throws Exception {
    int calls = quick ? 200 : 1000;
    try (CountingProxy proxy = new CountingProxy(address)) {
      if (legacyPki == null) {
        HostClient c = factory.connect("localhost", proxy.port()).get(30, TimeUnit.SECONDS);
        c.call(method, null).get(30, TimeUnit.SECONDS);
        proxy.reset();
        for (int i = 0; i < calls; i++) {
          c.call(method, null).get(30, TimeUnit.SECONDS);
        }
        row.bytesPerCall(proxy.toServer.get() / calls, proxy.toClient.get() / calls);
        c.close();
      } else {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .sslContext(BenchTls.engineContext(legacyPki)).build();
        URI uri = URI.create("https://localhost:" + proxy.port() + "/RPC2");
        xmlRpc(http, uri, method).get(30, TimeUnit.SECONDS);
        proxy.reset();
        for (int i = 0; i < calls; i++) {
          xmlRpc(http, uri, method).get(30, TimeUnit.SECONDS);
        }
        row.bytesPerCall(proxy.toServer.get() / calls, proxy.toClient.get() / calls);
      }
    }
    return row;
  }

  /** Scenario (d): raw TLS echo of the same sizes, the ceiling for (a) and (b). */
  private void ceiling(PkiLayout pki) throws Exception {
    report.section("d", "Ceiling: raw Netty TLS echo of the same message sizes, one connection");
    byte[] pingFrame = pingFrame();
    byte[] pingAnswer = pingAnswer();
    try (TlsEcho echo = new TlsEcho(pki, pingFrame.length, pingAnswer.length)) {
      report.row(latency("TLS echo " + pingFrame.length + " B / " + pingAnswer.length + " B", echo::call));
      report.row(pipelined("TLS echo " + pingFrame.length + " B / " + pingAnswer.length + " B", 64, echo::call));
      report.row(pipelined("TLS echo " + pingFrame.length + " B / " + pingAnswer.length + " B", 256, echo::call));
    }
    int big = JsonRpcCodec.encode(JsonRpcResponse.success(JsonRpcId.random(), LargeResult.capabilities(200 * 1024))).length + 200;
    try (TlsEcho echo = new TlsEcho(pki, pingFrame.length, big)) {
      report.row(latency("TLS echo " + pingFrame.length + " B / " + big / 1024 + " KiB", echo::call));
      report.row(pipelined("TLS echo " + pingFrame.length + " B / " + big / 1024 + " KiB", 16, echo::call));
    }
  }

  /** The SEND frame of a {@code Host.ping2} call as engine-client writes it (the echo's request size). */
  static byte[] pingFrame() {
    return StompFrameEncoder.encode(StompFrame.builder(StompCommand.SEND)
        .header(StompHeaders.DESTINATION, "jms.topic.vdsm_requests")
        .header(StompHeaders.REPLY_TO, "jms.topic.vdsm_responses")
        .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON)
        .body(JsonRpcCodec.encode(new JsonRpcRequest(JsonRpcId.random(), "Host.ping2", null)))
        .build());
  }

  /** The MESSAGE frame of its answer as vdsm-server writes it (the echo's answer size). */
  static byte[] pingAnswer() {
    return StompFrameEncoder.encode(StompFrame.builder(StompCommand.MESSAGE)
        .header(StompHeaders.DESTINATION, "jms.topic.vdsm_responses")
        .header(StompHeaders.SUBSCRIPTION, JsonRpcId.random().toString())
        .header(StompHeaders.MESSAGE_ID, "session-1-12345")
        .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON)
        .body(JsonRpcCodec.encode(JsonRpcResponse.success(JsonRpcId.random(), new com.google.gson.JsonPrimitive(true))))
        .build());
  }

  /** One call in flight at a time: latency percentiles. */
  private Row latency(String name, Supplier<CompletableFuture<?>> call) throws Exception {
    return pipelined(name, 1, call);
  }

  /** {@code inFlight} calls outstanding at all times, for the measurement period. */
  private Row pipelined(String name, int inFlight, Supplier<CompletableFuture<?>> call) throws Exception {
    Thread caller = Thread.currentThread();
    String oldName = caller.getName();
    caller.setName("bench-caller");
    try {
      CallDriver.drive(inFlight, call, warmup(), null);
      Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
      CpuMeter server = new CpuMeter(SERVER_THREADS).begin();
      CpuMeter client = new CpuMeter(CLIENT_THREADS).begin();
      long start = System.nanoTime();
      long calls = CallDriver.drive(inFlight, call, measure(), histogram);
      double seconds = (System.nanoTime() - start) / 1e9;
      Row row = new Row(name, inFlight, calls / seconds, histogram);
      row.cpu(client.elapsedNanos() / (double) calls / 1000, server.elapsedNanos() / (double) calls / 1000);
      long allocated = client.allocatedBytes();
      if (allocated >= 0) {
        row.clientAllocation(allocated / (double) calls);
      }
      System.err.println(row.markdown());
      return row;
    } finally {
      caller.setName(oldName);
    }
  }

  private static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%,.1f", v);
  }
}

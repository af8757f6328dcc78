package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.HostProcess;
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;

/**
 * The phase-5 story, written once and told through each external broker by a subclass: the real
 * {@code engine-client} and real {@code vdsm-server} hosts in processes of their own, mutual TLS
 * everywhere, XML-RPC off on every host. Host 1 is two processes (storage alone, the rest in the
 * other), both {@code --direct off}; host 2 is one process that serves direct connections too. One
 * engine connection reaches every host and subsystem; events cross the broker; two engines get only
 * their own replies; a host certificate of another CA is refused by the broker; a call to a host
 * that is down fails at its deadline and is not executed when the host comes back. Subclasses add
 * the failure cases of their broker (a restart, a cluster node killed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class Phase5Story {
  static final String HOST1 = "host1";
  static final String HOST2 = "host2";
  /** The id of the host whose certificate is of another CA (known to the broker as a user). */
  static final String FOREIGN_HOST = "host3";
  static final List<String> HOST_IDS = List.of(HOST1, HOST2, FOREIGN_HOST);
  /** A host id nobody serves: its requests wait in their queue until their deadline. */
  static final String NOBODY = "host9";
  static final Duration WAIT = Duration.ofSeconds(30);
  /** The order of tests that stop a host, a broker or a node: after the others. */
  static final int DISRUPTIVE = Order.DEFAULT + 1;

  Path dir;
  BrokerPki pki;
  Broker broker;
  Phase5Hosts hosts;
  Phase5Hosts.Running host1;
  Phase5Hosts.Running host1Storage;
  Phase5Hosts.Running host2;
  /** A host process whose certificate is of another CA (not awaited: it never connects). */
  HostProcess foreign;
  final List<EngineClientFactory> factories = new ArrayList<>();
  BrokerConnection engine;
  final List<HostEvent> vmEvents = new CopyOnWriteArrayList<>();

  /**
   * The broker under test, as the clients see it.
   *
   * @param hostUrls the {@code --broker} URLs of every host, in order
   * @param engineUris the broker URIs of the engine, in order
   * @param broker stops the broker (or cluster) for good
   */
  record Broker(List<String> hostUrls, List<URI> engineUris, AutoCloseable broker) {
    /** One node that hosts and engine reach at {@code stompUrl}. */
    static Broker single(String stompUrl, AutoCloseable node) {
      return new Broker(List.of(stompUrl), List.of(URI.create(stompUrl)), node);
    }
  }

  /** Starts the broker (or cluster) with the certificates of {@code pki}, knowing the hosts {@code hostIds}. */
  abstract Broker startBroker(BrokerPki pki, Path dir, List<String> hostIds) throws Exception;

  @BeforeAll
  void startStory(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    pki = BrokerPki.generate(dir.resolve("pki"));
    broker = startBroker(pki, dir.resolve("broker"), HOST_IDS);
    hosts = new Phase5Hosts(dir.resolve("hosts"), pki, hostBrokerUrls());
    foreign = hosts.launchWithForeignCertificate(FOREIGN_HOST); // its JVM starts with the others
    List<Phase5Hosts.Running> started = hosts.start(
        new Phase5Hosts.Spec(HOST1, "virt,network,host", false),
        new Phase5Hosts.Spec(HOST1, "storage", false),
        new Phase5Hosts.Spec(HOST2, null, true));
    host1 = started.get(0);
    host1Storage = started.get(1);
    host2 = started.get(2);
    engine = engine("engine1", engineBrokerUris());
    engine.host(HOST1).subscribe("*|virt|VM_status|*", vmEvents::add);
    engine.host(HOST2).subscribe("*|virt|VM_status|*", vmEvents::add);
  }

  @AfterAll
  void stopStory() throws Exception {
    for (EngineClientFactory f : factories) {
      f.close();
    }
    if (hosts != null) {
      hosts.close();
    }
    if (broker != null) {
      broker.broker().close();
    }
  }

  List<String> hostBrokerUrls() {
    return broker.hostUrls();
  }

  List<URI> engineBrokerUris() {
    return broker.engineUris();
  }

  /** A new engine (a factory of its own) connected through the broker as {@code engineId}. */
  BrokerConnection engine(String engineId, List<URI> uris) throws Exception {
    return engine(engineId, uris, new AtomicInteger());
  }

  private BrokerConnection engine(String engineId, List<URI> uris, AtomicInteger unmatched) throws Exception {
    EngineClientFactory factory = EngineClientFactory.builder()
        .pki(pki.layout())
        .defaultTimeout(WAIT)
        .connectTimeout(Duration.ofSeconds(5))
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .onUnmatchedResponse((host, response) -> unmatched.incrementAndGet())
        .build();
    factories.add(factory);
    BrokerConnection connection = factory.broker(engineId, uris);
    connection.connected().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return connection;
  }

  static JsonElement get(CompletableFuture<JsonElement> call) throws Exception {
    return call.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  static JsonObject params(String... pairs) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      o.addProperty(pairs[i], pairs[i + 1]);
    }
    return o;
  }

  static JsonObject vmCreate(String vmId) {
    JsonObject vm = params("vmId", vmId, "vmName", "phase5-" + vmId.substring(0, 8));
    vm.addProperty("memSize", 512);
    JsonObject create = params("vmID", vmId);
    create.add("vmParams", vm);
    return create;
  }

  static String vmList(HostClient host) throws Exception {
    return get(host.call("Host.getVMList", null)).toString();
  }

  /** The "connected" lines a host may print: one per broker URL (a loaded node may time out the first). */
  List<String> connectedLines(String subsystems, String hostId) {
    return hostBrokerUrls().stream()
        .map(url -> "vdsm-server connected to broker " + url + " as " + hostId + " serving " + subsystems)
        .toList();
  }

  @Test
  void eachHostProcessSaysWhatItServes() {
    assertThat(host1.connectedLine()).isIn(connectedLines("virt,network,host", HOST1));
    assertThat(host1Storage.connectedLine()).isIn(connectedLines("storage", HOST1));
    assertThat(host2.connectedLine()).isIn(connectedLines("virt,storage,network,host", HOST2));
    assertThat(host1.directPort()).isEmpty();
    assertThat(host2.directPort()).isPresent();
  }

  @Test
  void oneEngineConnectionCallsEveryHostAndSubsystem() throws Exception {
    HostClient one = engine.host(HOST1);
    HostClient two = engine.host(HOST2);
    assertThat(get(one.call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
    assertThat(get(two.call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
    assertThat(get(one.call("Host.getCapabilities", null)).isJsonObject()).isTrue();
    // A batch spanning subsystems is split per request queue; each call keeps its own answer. The
    // storage call reaches host 1's storage process, which answers VDSM's 401 (unknown task).
    List<CompletableFuture<JsonElement>> batch = one.batch(List.of(
        RpcCall.of("Host.echo", params("message", "host-side")),
        RpcCall.of("Task.getStatus", params("taskID", UUID.randomUUID().toString())),
        RpcCall.of("Host.echo", params("message", "again"))));
    assertThat(get(batch.get(0))).isEqualTo(new JsonPrimitive("host-side"));
    assertThat(batch.get(1)).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(JsonRpcErrorException.class, e -> assertThat(e.code()).isEqualTo(401));
    assertThat(get(batch.get(2))).isEqualTo(new JsonPrimitive("again"));
    // A storage verb through the storage process: VDSM's list of {id, status}, 0 for connected.
    String connectionId = UUID.randomUUID().toString();
    JsonObject connect = params("storagepoolID", UUID.randomUUID().toString());
    connect.addProperty("domainType", 1);
    com.google.gson.JsonArray connections = new com.google.gson.JsonArray();
    connections.add(params("id", connectionId, "connection", "nfs.example.com:/exports/data"));
    connect.add("connectionParams", connections);
    JsonObject status = get(one.call("StoragePool.connectStorageServer", connect)).getAsJsonArray().get(0).getAsJsonObject();
    assertThat(status.get("id").getAsString()).isEqualTo(connectionId);
    assertThat(status.get("status").getAsInt()).isZero();
  }

  @Test
  void vmLifecycleAndItsEventsCrossTheBroker() throws Exception {
    HostClient one = engine.host(HOST1);
    String vmId = UUID.randomUUID().toString();
    get(one.call("VM.create", vmCreate(vmId)));
    // WaitForLaunch at once, Powering up and Up after the simulated delays: at least one crosses
    // even where the broker propagates the engine's topic binding asynchronously (a cluster).
    await().atMost(WAIT).until(() -> vmEvents.stream().anyMatch(e -> vmId.equals(e.objectId())));
    HostEvent event = vmEvents.stream().filter(e -> vmId.equals(e.objectId())).findFirst().orElseThrow();
    assertThat(event.receiver()).isEqualTo(HOST1);
    assertThat(event.subsystem()).isEqualTo("virt");
    assertThat(event.name()).isEqualTo("VM_status");
    assertThat(vmList(one)).contains(vmId);
    // The VM lives on host 1 only: host 2 does not know it.
    CompletableFuture<JsonElement> onOther = engine.host(HOST2).call("VM.destroy", params("vmID", vmId));
    assertThat(onOther).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(JsonRpcErrorException.class);
    get(one.call("VM.destroy", params("vmID", vmId)));
  }

  @Test
  void hostWithDirectOnServesBothWaysAndXmlRpcIsOff() throws Exception {
    // One backend behind both transports: a VM created through the broker is listed directly.
    String vmId = UUID.randomUUID().toString();
    get(engine.host(HOST2).call("VM.create", vmCreate(vmId)));
    int port = host2.directPort().orElseThrow();
    HostClient direct = factories.get(0).connect("127.0.0.1", port)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    try {
      assertThat(vmList(direct)).contains(vmId);
    } finally {
      direct.close();
    }
    // XML-RPC is off on the hosts: the legacy binding answers 501 on the same mutual-TLS port.
    HttpClient http = HttpClient.newBuilder()
        .sslContext(JdkSslContexts.of(pki.layout().engineKey(), pki.layout().engineCert(), pki.caCertificate()))
        .connectTimeout(WAIT)
        .build();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/RPC2"))
        .timeout(WAIT)
        .header("Content-Type", "text/xml")
        .POST(HttpRequest.BodyPublishers.ofString("<methodCall><methodName>ping</methodName></methodCall>"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(501);
    assertThat(response.body()).contains("XML-RPC is no longer supported");
  }

  @Test
  void twoEnginesOnOneBrokerEachGetOnlyTheirOwnReplies() throws Exception {
    AtomicInteger unmatched = new AtomicInteger();
    // Engine ids are unique (an engine's id names its reply queue: two engines must not share one).
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    List<BrokerConnection> both = List.of(engine("engine-a-" + suffix, engineBrokerUris(), unmatched),
        engine("engine-b-" + suffix, engineBrokerUris(), unmatched));
    List<CompletableFuture<JsonElement>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HostClient host = both.get(i % 2).host(i % 4 < 2 ? HOST1 : HOST2);
      calls.add(host.call("Host.echo", params("message", "call-" + i)));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(get(calls.get(i))).isEqualTo(new JsonPrimitive("call-" + i));
    }
    assertThat(unmatched).as("answers that reached an engine that did not ask").hasValue(0);
    assertThat(both).allSatisfy(e -> assertThat(e.callsInFlight()).isZero());
  }

  @Test
  void hostCertificateOfAnotherCaIsRefusedByTheBroker() throws Exception {
    // It tries, is refused, and backs off to try again: it never subscribes.
    await().atMost(Phase5Hosts.START).pollInterval(Duration.ofMillis(200))
        .until(() -> foreign.logLines().stream().anyMatch(l -> l.contains("reconnecting to the broker in")));
    CompletableFuture<JsonElement> call = engine.host(FOREIGN_HOST).call("Host.ping2", null, Duration.ofSeconds(2), null);
    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(CallTimeoutException.class);
    assertThat(foreign.remainingLines()).noneMatch(l -> l.contains("connected to broker"));
    assertThat(foreign.isAlive()).isTrue();
  }

  @Test
  @Order(DISRUPTIVE)
  void callToAHostThatIsDownFailsAtItsDeadlineAndIsNotExecutedWhenTheHostComesBack() throws Exception {
    host2.process().kill();
    String expiredVm = UUID.randomUUID().toString();
    long start = System.nanoTime();
    CompletableFuture<JsonElement> toDown = engine.host(HOST2).call("VM.create", vmCreate(expiredVm), Duration.ofSeconds(1), null);
    assertThat(toDown).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(CallTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));

    host2 = hosts.start(host2.spec()).get(0);
    String liveVm = UUID.randomUUID().toString();
    // Same queue: by the time this is answered the expired request was dropped (by the broker or the host).
    get(engine.host(HOST2).call("VM.create", vmCreate(liveVm)));
    assertThat(vmList(engine.host(HOST2))).contains(liveVm).doesNotContain(expiredVm);
  }
}

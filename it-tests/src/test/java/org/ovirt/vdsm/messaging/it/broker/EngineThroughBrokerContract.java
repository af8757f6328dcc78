package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.destinations.MethodSubsystems;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * engine-client through a real broker, the same story for every broker: a factory's {@link
 * BrokerConnection} carries the calls of several hosts (fake hosts written with the plain STOMP
 * test client), routes each call to its subsystem's queue, splits a batch across subsystems,
 * demultiplexes the answers to the right host client, delivers events by pattern, lets a call to a
 * host that is down fail at its deadline (the request carrying that deadline), keeps two engines
 * apart, tries broker URLs in order and refuses a broker certificate of another CA.
 */
abstract class EngineThroughBrokerContract {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String HOST = "host1";
  static final String OTHER_HOST = "host2";
  static final String DOWN_HOST = "host9";
  static final List<String> ALL = List.of("virt", "storage", "network", "host");

  @TempDir Path tmp;
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  /** The PKI the broker trusts (engine material in its layout). */
  abstract BrokerPki pki();

  /** Where the engine connects. */
  abstract URI engineUrl();

  /** A plain STOMP client of host {@code hostId} on the hosts' broker node. */
  abstract StompTestClient hostClient(String hostId) throws IOException;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  <T extends AutoCloseable> T closing(T resource) {
    closeLater.add(resource);
    return resource;
  }

  EngineClientFactory factory() throws IOException {
    return factory(pki());
  }

  EngineClientFactory factory(BrokerPki pki) throws IOException {
    return closing(EngineClientFactory.builder()
        .pki(pki.layout())
        .defaultTimeout(WAIT)
        .connectTimeout(Duration.ofSeconds(5))
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .build());
  }

  BrokerConnection connected(EngineClientFactory factory, String engineId, URI... urls) throws Exception {
    BrokerConnection broker = factory.broker(engineId, urls);
    broker.connected().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return broker;
  }

  FakeBrokerHost fakeHost(String hostId, List<String> subsystems, Set<String> silent) throws IOException {
    return closing(FakeBrokerHost.start(hostClient(hostId), hostId, subsystems, silent));
  }

  static String engineId() {
    return "e-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static JsonObject result(CompletableFuture<JsonElement> call) throws Exception {
    return call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsJsonObject();
  }

  @Test
  void callsGoToTheQueueOfTheirSubsystemAndAnswersToTheRightHostClient() throws Exception {
    fakeHost(HOST, ALL, Set.of());
    fakeHost(OTHER_HOST, ALL, Set.of());
    BrokerConnection broker = connected(factory(), engineId(), engineUrl());
    HostClient one = broker.host(HOST);
    HostClient two = broker.host(OTHER_HOST);
    await().atMost(WAIT).until(() -> one.state() == HostClient.State.CONNECTED);

    for (String method : List.of("Host.getCapabilities", "VM.getStats", "StorageDomain.getInfo", "Network.getInfo")) {
      String subsystem = MethodSubsystems.of(method).wireName();
      JsonObject a = result(one.call(method, null));
      JsonObject b = result(two.call(method, null));
      assertThat(a.get("host").getAsString()).isEqualTo(HOST);
      assertThat(b.get("host").getAsString()).isEqualTo(OTHER_HOST);
      assertThat(a.get("subsystem").getAsString()).isEqualTo(subsystem);
      assertThat(a.get("method").getAsString()).isEqualTo(method);
    }
    CompletableFuture<JsonElement> failed = one.call("Host.fail", null);
    assertThat(failed).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(JsonRpcErrorException.class);
    assertThat(((JsonRpcErrorException) catchCause(failed)).error().code()).isEqualTo(FakeBrokerHost.FAIL_CODE);
  }

  @Test
  void batchSpanningSubsystemsIsSplitPerQueueAndEachCallKeepsItsFuture() throws Exception {
    FakeBrokerHost host = fakeHost(HOST, ALL, Set.of());
    HostClient client = connected(factory(), engineId(), engineUrl()).host(HOST);
    List<String> methods = List.of("VM.getStats", "StorageDomain.getInfo", "Host.getCapabilities", "VM.cont");
    List<CompletableFuture<JsonElement>> futures =
        client.batch(methods.stream().map(m -> RpcCall.of(m, null)).toList());
    for (int i = 0; i < methods.size(); i++) {
      JsonObject r = result(futures.get(i));
      assertThat(r.get("method").getAsString()).isEqualTo(methods.get(i));
      assertThat(r.get("subsystem").getAsString()).isEqualTo(MethodSubsystems.of(methods.get(i)).wireName());
    }
    Set<String> destinations = new java.util.HashSet<>();
    for (StompFrame f = host.nextRequest(WAIT).orElseThrow(); ; f = host.nextRequest(Duration.ofMillis(300)).orElse(null)) {
      if (f == null) {
        break;
      }
      destinations.add(f.header("destination"));
      assertThat(f.bodyAsString()).startsWith("[");
    }
    Set<String> expected = new java.util.HashSet<>();
    methods.forEach(m -> expected.add(BrokerLayoutContract.requests(HOST, MethodSubsystems.of(m).wireName())));
    assertThat(destinations).isEqualTo(expected);
  }

  @Test
  void eventsOfAHostReachTheSubscribersWhosePatternMatches() throws Exception {
    FakeBrokerHost host = fakeHost(HOST, List.of("host"), Set.of());
    BrokerConnection broker = connected(factory(), engineId(), engineUrl());
    List<HostEvent> virt = new CopyOnWriteArrayList<>();
    List<HostEvent> ofOtherHost = new CopyOnWriteArrayList<>();
    broker.host(HOST).subscribe("*|virt|*|*", virt::add);
    broker.host(OTHER_HOST).subscribe("*|virt|*|*", ofOtherHost::add);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      host.publish("storage", "domain_changed", "sd-1");
      host.publish("virt", "VM_status", "vm-1");
      return !virt.isEmpty();
    });
    assertThat(virt).allSatisfy(e -> {
      assertThat(e.receiver()).isEqualTo(HOST);
      assertThat(e.subsystem()).isEqualTo("virt");
      assertThat(e.name()).isEqualTo("VM_status");
      assertThat(e.objectId()).isEqualTo("vm-1");
    });
    assertThat(ofOtherHost).isEmpty();
  }

  @Test
  void callToAHostThatIsDownFailsAtItsDeadlineWhichTheRequestCarries() throws Exception {
    FakeBrokerHost live = fakeHost(HOST, ALL, Set.of());
    BrokerConnection broker = connected(factory(), engineId(), engineUrl());
    long before = System.currentTimeMillis();
    JsonObject r = result(broker.host(HOST).call("VM.getStats", null, Duration.ofSeconds(30), "flow-1"));
    long after = System.currentTimeMillis();
    long deadline = Long.parseLong(r.get("deadline").getAsString());
    assertThat(deadline).isBetween(before + 30_000 - 5, after + 30_000 + 5);
    StompFrame request = live.nextRequest(WAIT).orElseThrow();
    assertThat(request.header(BrokerHeaders.DEADLINE)).isEqualTo(Long.toString(deadline));
    assertThat(request.header(BrokerHeaders.ARTEMIS_EXPIRES)).isEqualTo(Long.toString(deadline));
    assertThat(Long.parseLong(request.header(BrokerHeaders.RABBITMQ_EXPIRATION))).isBetween(29_000L, 30_000L);
    assertThat(request.header("reply-to")).isEqualTo(broker.replyDestination());
    assertThat(request.header(BrokerHeaders.ENGINE_ID)).isEqualTo(broker.engineId());
    assertThat(request.header(BrokerHeaders.FLOW_ID)).isEqualTo("flow-1");

    long start = System.nanoTime();
    CompletableFuture<JsonElement> toDown = broker.host(DOWN_HOST).call("Host.getStats", null, Duration.ofMillis(800), null);
    assertThat(toDown).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(CallTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(750));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> expired(start, 900));
    FakeBrokerHost late = fakeHost(DOWN_HOST, List.of("host"), Set.of());
    assertThat(late.nextRequest(Duration.ofMillis(700))).as("the broker dropped the expired request").isEmpty();
  }

  private static boolean expired(long startNanos, long ms) {
    return System.nanoTime() - startNanos > TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  void twoEnginesOnOneBrokerEachGetOnlyTheirOwnReplies() throws Exception {
    fakeHost(HOST, ALL, Set.of());
    AtomicInteger unmatched = new AtomicInteger();
    List<HostClient> engines = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      EngineClientFactory f = closing(EngineClientFactory.builder().pki(pki().layout()).defaultTimeout(WAIT)
          .onUnmatchedResponse((h, r) -> unmatched.incrementAndGet()).build());
      engines.add(connected(f, engineId(), engineUrl()).host(HOST));
    }
    List<CompletableFuture<JsonElement>> calls = new ArrayList<>();
    List<HostClient> callers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HostClient c = engines.get(i % 2);
      callers.add(c);
      calls.add(c.call(RpcCall.of("Host.getCapabilities", null).withFlowId("n-" + i)));
    }
    for (CompletableFuture<JsonElement> c : calls) {
      assertThat(result(c).get("host").getAsString()).isEqualTo(HOST);
    }
    assertThat(unmatched).hasValue(0);
    assertThat(engines).allSatisfy(c -> assertThat(c.pendingCalls()).isZero());
  }

  @Test
  void brokerUrlsAreTriedInOrder() throws Exception {
    fakeHost(HOST, ALL, Set.of());
    int closed = LoopbackPorts.freePort();
    URI dead = URI.create("stomp+ssl://" + LoopbackPorts.HOST + ":" + closed);
    BrokerConnection broker = connected(factory(), engineId(), dead, engineUrl());
    assertThat(result(broker.host(HOST).call("Host.getCapabilities", null)).get("host").getAsString()).isEqualTo(HOST);
  }

  @Test
  void brokerCertificateOfAnotherCaIsRefused() throws Exception {
    BrokerPki foreign = BrokerPki.generate(tmp.resolve("foreign"));
    BrokerConnection broker = factory(foreign).broker(engineId(), engineUrl());
    HostClient client = broker.host(HOST);
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    client.addStateListener((c, state, why) -> {
      if (why != null) {
        cause.complete(why);
      }
    });
    Throwable why = cause.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(why).isInstanceOf(ConnectionLostException.class);
    assertThat(((ConnectionLostException) why).reason()).isEqualTo(ConnectionLostException.Reason.TLS);
    assertThat(broker.isConnected()).isFalse();
    assertThat(broker.sessionCount()).isZero();
  }

  /** Stops the engine's broker node (the port stays the same). */
  abstract void stopBroker() throws Exception;

  /** Starts it again on the same port. */
  abstract void startBroker() throws Exception;

  @Test
  void brokerRestartFailsCallsInFlightAtOnceThenCallsAndEventsWorkAgain() throws Exception {
    fakeHost(HOST, ALL, Set.of("Host.ping2"));
    BrokerConnection broker = connected(factory(), engineId(), engineUrl());
    HostClient client = broker.host(HOST);
    List<HostEvent> events = new CopyOnWriteArrayList<>();
    client.subscribe("*|virt|*|*", events::add);
    List<HostClient.State> states = new CopyOnWriteArrayList<>();
    client.addStateListener((c, state, why) -> states.add(state));
    assertThat(result(client.call("Host.getCapabilities", null)).get("host").getAsString()).isEqualTo(HOST);
    CompletableFuture<JsonElement> inFlight = client.call("Host.ping2", null, Duration.ofSeconds(60), null);
    await().atMost(WAIT).until(() -> broker.callsInFlight() == 1);

    long stopped = System.nanoTime();
    try {
      stopBroker();
      assertThat(inFlight).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(ConnectionLostException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(30));
      await().atMost(WAIT).until(() -> client.state() == HostClient.State.DISCONNECTED);
    } finally {
      startBroker();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> broker.sessionCount() >= 2 && broker.isConnected());
    assertThat(client.state()).isEqualTo(HostClient.State.CONNECTED);
    assertThat(states).contains(HostClient.State.DISCONNECTED, HostClient.State.CONNECTED);
    FakeBrokerHost again = fakeHost(HOST, ALL, Set.of());
    assertThat(result(client.call("Host.getCapabilities", null)).get("host").getAsString()).isEqualTo(HOST);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      again.publish("virt", "VM_status", "vm-after");
      return events.stream().anyMatch(e -> e.objectId().equals("vm-after"));
    });
  }

  static Throwable catchCause(CompletableFuture<?> future) {
    try {
      future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

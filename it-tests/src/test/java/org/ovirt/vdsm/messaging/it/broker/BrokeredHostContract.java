package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostRunner;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostSettings;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * A host in broker mode ({@link BrokeredHostRunner}) against a real broker, driven by a fake engine
 * on the broker: calls of every subsystem answered to {@code reply-to} with the host id header,
 * events on the host's topics, a request whose deadline passed dropped and never executed, a host
 * certificate of another CA refused by the broker. Subclasses say where the engine and the host
 * connect.
 */
abstract class BrokeredHostContract {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String HOST = BrokerLayoutContract.HOST;
  static final String OTHER_HOST = BrokerLayoutContract.OTHER_HOST;

  final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  final List<String> connectedLines = new CopyOnWriteArrayList<>();

  /** A new connection of the engine (certificate CN {@code engine}) on the engine's broker node. */
  abstract StompTestClient engineClient() throws IOException;

  /** The URL hosts connect to. */
  abstract String hostBrokerUrl();

  abstract BrokerPki pki();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    closeables.clear();
  }

  FakeEngine engine() throws IOException {
    FakeEngine engine = FakeEngine.on(engineClient(), "e-" + UUID.randomUUID().toString().substring(0, 8));
    closeables.add(engine);
    return engine;
  }

  /** Starts an in-process broker-mode host serving {@code subsystems}, waits until subscribed. */
  BrokeredHostRunner host(String hostId, Set<Subsystem> subsystems, BrokerPki.ClientCredentials credentials) throws IOException {
    BrokeredHostRunner runner = startHost(hostId, subsystems, credentials);
    await().atMost(WAIT).until(runner.host()::isSubscribed);
    return runner;
  }

  BrokeredHostRunner startHost(String hostId, Set<Subsystem> subsystems, BrokerPki.ClientCredentials credentials) throws IOException {
    BrokeredHostSettings settings =
        BrokeredHostSettings.of(List.of(BrokerUrl.parse(hostBrokerUrl())), hostId, subsystems)
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    BrokeredHostRunner runner = BrokeredHostRunner.start(VdsmServerConfig.plain("127.0.0.1", 0),
        SimulationSettings.immediate(), settings, credentials.sslContext(), false, connectedLines::add);
    closeables.add(0, runner);
    return runner;
  }

  static JsonObject params(Object... pairs) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      Object v = pairs[i + 1];
      if (v instanceof com.google.gson.JsonElement j) {
        o.add((String) pairs[i], j);
      } else if (v instanceof Number n) {
        o.addProperty((String) pairs[i], n);
      } else {
        o.addProperty((String) pairs[i], String.valueOf(v));
      }
    }
    return o;
  }

  static JsonObject vmCreate(String vmId) {
    return params("vmID", vmId, "vmParams", params("vmId", vmId, "vmName", "brokered", "memSize", 512));
  }

  @Test
  void answersCallsOfEverySubsystemToReplyToAndPublishesEventsOnTheTopic() throws Exception {
    host(HOST, EnumSet.allOf(Subsystem.class), pki().client(HOST));
    assertThat(connectedLines).containsExactly(
        "vdsm-server connected to broker " + hostBrokerUrl() + " as " + HOST + " serving virt,storage,network,host");
    FakeEngine engine = engine();
    StompTestClient events = engineClient();
    closeables.add(events);
    events.subscribe("events", "/topic/vdsm.events." + HOST + ".*");

    StompFrame echo = engine.call(HOST, "host", "Host.echo", params("message", "through the broker"), WAIT);
    assertThat(FakeEngine.body(echo).get("result").getAsString()).isEqualTo("through the broker");
    assertThat(echo.header(BrokerHeaders.HOST_ID)).isEqualTo(HOST);
    assertThat(echo.header("content-type")).isEqualTo("application/json");

    String vmId = UUID.randomUUID().toString();
    StompFrame created = engine.call(HOST, "virt", "VM.create", vmCreate(vmId), WAIT);
    assertThat(FakeEngine.body(created).getAsJsonObject("result").get("vmId").getAsString()).isEqualTo(vmId);

    StompFrame storage = engine.call(HOST, "storage", "StorageDomain.getInfo",
        params("storagedomainID", UUID.randomUUID().toString()), WAIT);
    // an unknown domain: the storage subsystem's own error, not "method not found"
    assertThat(FakeEngine.body(storage).has("error")).isTrue();
    assertThat(FakeEngine.body(storage).getAsJsonObject("error").get("code").getAsInt()).isNotEqualTo(-32601);

    // no network verb is simulated: the network queue is consumed and answers method-not-found
    StompFrame network = engine.call(HOST, "network", "Network.nosuchverb", params(), WAIT);
    assertThat(FakeEngine.body(network).getAsJsonObject("error").get("code").getAsInt()).isEqualTo(-32601);

    // a cluster propagates the topic binding to the host's node asynchronously: create VMs until one
    // status event has crossed (each VM.create publishes at once with the immediate simulation)
    java.util.concurrent.atomic.AtomicReference<StompFrame> seen = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<String> lastVm = new java.util.concurrent.atomic.AtomicReference<>(vmId);
    await().atMost(WAIT).until(() -> {
      java.util.Optional<StompFrame> got = events.pollMessage(Duration.ofMillis(300));
      if (got.isPresent()) {
        seen.set(got.get());
        return true;
      }
      String next = UUID.randomUUID().toString();
      engine.call(HOST, "virt", "VM.create", vmCreate(next), WAIT);
      lastVm.set(next);
      return false;
    });
    StompFrame event = seen.get();
    assertThat(event.header("destination")).isEqualTo("/topic/vdsm.events." + HOST + ".virt");
    assertThat(event.header(BrokerHeaders.HOST_ID)).isEqualTo(HOST);
    JsonObject notification = FakeEngine.body(event);
    assertThat(notification.get("method").getAsString()).startsWith("|virt|VM_status|");
    assertThat(notification.getAsJsonObject("params").has("notify_time")).isTrue();
    assertThat(notification.has("id")).isFalse();
  }

  @Test
  void requestWhoseDeadlinePassedIsDroppedAndNeverExecuted() throws Exception {
    host(HOST, EnumSet.allOf(Subsystem.class), pki().client(HOST));
    FakeEngine engine = engine();
    String expiredVm = UUID.randomUUID().toString();
    String expiredCall = engine.send(HOST, "virt", "VM.create", vmCreate(expiredVm), System.currentTimeMillis() - 1000);
    String liveVm = UUID.randomUUID().toString();
    // same queue, one consumer: by the time this is answered, the expired one was received and dropped
    engine.call(HOST, "virt", "VM.create", vmCreate(liveVm), WAIT);
    String vms = FakeEngine.body(engine.call(HOST, "host", "Host.getVMList", params(), WAIT)).get("result").toString();
    assertThat(vms).contains(liveVm).doesNotContain(expiredVm);
    assertThat(engine.reply(expiredCall, Duration.ZERO)).isEmpty();
  }

  @Test
  void hostCertificateOfAnotherCaIsRefusedByTheBroker() throws Exception {
    BrokeredHostRunner foreign = startHost(OTHER_HOST, EnumSet.of(Subsystem.HOST), pki().foreignClient(OTHER_HOST));
    FakeEngine engine = engine();
    String id = engine.send(OTHER_HOST, "host", "Host.echo", params("message", "x"), System.currentTimeMillis() + 3000);
    assertThat(engine.reply(id, Duration.ofSeconds(3))).as("answered by a host the broker must refuse").isEmpty();
    assertThat(foreign.host().isSubscribed()).isFalse();
    assertThat(connectedLines).isEmpty();
  }
}

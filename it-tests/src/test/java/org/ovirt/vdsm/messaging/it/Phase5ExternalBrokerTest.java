package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.it.broker.ArtemisCertificateLogin;
import org.ovirt.vdsm.messaging.it.broker.ArtemisNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.EmbeddedArtemis;
import org.ovirt.vdsm.messaging.it.broker.LoopbackPorts;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.brokered.BrokerUrl;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostRunner;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostSettings;

/**
 * Phase 5 of the feature page, end to end with both real ends: the broker is pulled out of the
 * host, and engine and hosts meet on an external one (an embedded ActiveMQ Artemis here, mutual TLS
 * and certificate login with per-host roles). The engine's {@code engine-client} opens one broker
 * connection and reaches two hosts through it; host 1 runs as two processes' worth of hosts (its
 * storage subsystem served by a host of its own, the rest by another), host 2 as one. The sides are
 * also tested one by one against fakes of the other (it-tests {@code broker} package); this class
 * shows they speak to each other.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Phase5ExternalBrokerTest {
  private static final String HOST1 = "host1";
  private static final String HOST2 = "host2";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  static BrokerPki pki;
  static EmbeddedArtemis artemis;
  static final List<AutoCloseable> closeables = new ArrayList<>();
  static final List<String> connectedLines = new CopyOnWriteArrayList<>();
  static EngineClientFactory factory;
  static BrokerConnection broker;

  @BeforeAll
  static void start() throws Exception {
    pki = BrokerPki.generate(dir.resolve("pki"));
    ArtemisCertificateLogin login = ArtemisCertificateLogin.write(dir.resolve("login"), pki, List.of(HOST1, HOST2));
    artemis = EmbeddedArtemis.start(
        ArtemisNodeSettings.singleNode("artemis-phase5", dir.resolve("artemis"), pki).withCertificateLogin(login));
    host(HOST1, EnumSet.of(Subsystem.VIRT, Subsystem.NETWORK, Subsystem.HOST));
    host(HOST1, EnumSet.of(Subsystem.STORAGE));
    host(HOST2, EnumSet.allOf(Subsystem.class));
    factory = EngineClientFactory.builder().pki(pki.layout()).defaultTimeout(WAIT).build();
    broker = factory.broker("engine1", URI.create(artemis.stompUrl()));
    broker.connected().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void host(String hostId, EnumSet<Subsystem> subsystems) throws Exception {
    BrokeredHostSettings settings = BrokeredHostSettings.of(
            List.of(BrokerUrl.parse("stomp+ssl://" + LoopbackPorts.HOST + ":" + artemis.stompPort())), hostId, subsystems)
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    BrokeredHostRunner runner = BrokeredHostRunner.start(VdsmServerConfig.plain("127.0.0.1", 0),
        SimulationSettings.immediate(), settings, pki.client(hostId).sslContext(), false, connectedLines::add);
    closeables.add(0, runner);
    await().atMost(WAIT).until(runner.host()::isSubscribed);
  }

  @AfterAll
  static void stop() throws Exception {
    if (factory != null) {
      factory.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (artemis != null) {
      artemis.close();
    }
  }

  private static JsonElement get(CompletableFuture<JsonElement> call) throws Exception {
    return call.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void eachHostProcessSaysWhatItServes() {
    assertThat(connectedLines).containsExactlyInAnyOrder(
        "vdsm-server connected to broker stomp+ssl://" + LoopbackPorts.HOST + ":" + artemis.stompPort()
            + " as host1 serving virt,network,host",
        "vdsm-server connected to broker stomp+ssl://" + LoopbackPorts.HOST + ":" + artemis.stompPort()
            + " as host1 serving storage",
        "vdsm-server connected to broker stomp+ssl://" + LoopbackPorts.HOST + ":" + artemis.stompPort()
            + " as host2 serving virt,storage,network,host");
  }

  @Test
  void oneEngineConnectionCallsEveryHostAndSubsystem() throws Exception {
    HostClient one = broker.host(HOST1);
    HostClient two = broker.host(HOST2);
    assertThat(get(one.call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
    assertThat(get(two.call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
    assertThat(get(one.call("Host.getCapabilities", null)).isJsonObject()).isTrue();
    // A batch spanning subsystems is split per request queue; each call keeps its own answer.
    // The storage call reaches host 1's storage process, which answers VDSM's 401 (unknown task).
    JsonObject task = new JsonObject();
    task.addProperty("taskID", UUID.randomUUID().toString());
    List<CompletableFuture<JsonElement>> batch = one.batch(List.of(
        RpcCall.of("Host.echo", echo("host-side")),
        RpcCall.of("Task.getStatus", task),
        RpcCall.of("Host.echo", echo("again"))));
    assertThat(get(batch.get(0))).isEqualTo(new JsonPrimitive("host-side"));
    assertThat(batch.get(1)).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(JsonRpcErrorException.class, e -> assertThat(e.code()).isEqualTo(401));
    assertThat(get(batch.get(2))).isEqualTo(new JsonPrimitive("again"));
  }

  @Test
  void vmLifecycleAndItsEventsCrossTheBroker() throws Exception {
    HostClient one = broker.host(HOST1);
    String vmId = UUID.randomUUID().toString();
    List<HostEvent> events = new CopyOnWriteArrayList<>();
    one.subscribe("*|virt|VM_status|" + vmId, events::add);
    JsonObject vmParams = new JsonObject();
    vmParams.addProperty("vmId", vmId);
    vmParams.addProperty("vmName", "phase5");
    vmParams.addProperty("memSize", 512);
    JsonObject create = new JsonObject();
    create.addProperty("vmID", vmId);
    create.add("vmParams", vmParams);
    get(one.call("VM.create", create));
    await().atMost(WAIT).until(() -> !events.isEmpty());
    assertThat(events.get(0).objectId()).isEqualTo(vmId);
    assertThat(get(one.call("Host.getVMList", null)).toString()).contains(vmId);
    // The VM lives on host 1 only: host 2 does not know it.
    JsonObject destroy = new JsonObject();
    destroy.addProperty("vmID", vmId);
    CompletableFuture<JsonElement> onOther = broker.host(HOST2).call("VM.destroy", destroy);
    assertThat(onOther).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(JsonRpcErrorException.class);
    get(one.call("VM.destroy", destroy));
  }

  private static JsonObject echo(String text) {
    JsonObject o = new JsonObject();
    o.addProperty("message", text);
    return o;
  }
}

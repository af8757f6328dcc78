package org.ovirt.vdsm.messaging.it.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.broker.AckMode;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.server.broker.BrokerSession;
import org.ovirt.vdsm.messaging.server.broker.Message;
import org.ovirt.vdsm.messaging.server.broker.Subscription;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The pieces of issue 13's fleet comparison, small and fast: the event wheel gives every
 * subscribed connection events of its own VM only, as VDSM frames them; and the engine side
 * (engine-client holding three hosts, polled by {@link StatsPoller}) gets both answers and events
 * from a real host over mutual TLS on loopback.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FleetPiecesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  /** Records the bodies delivered to it, as a connection of the broker would write them. */
  private static final class Recorder implements BrokerSession {
    final List<Message> got = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(Subscription subscription, Message message, String ackId) {
      assertThat(ackId).isNull();
      got.add(message);
    }

    @Override
    public String name() {
      return "recorder";
    }
  }

  @Test
  void vmStatusEventIsAVdsmNotificationOfThatVm() {
    String vm = "5eb0b0c1-5e5e-4d0b-8a11-00000000abcd";
    JsonRpcPayload payload = JsonRpcCodec.decode(VmStatusEvent.encode(vm, true, 42));
    assertThat(payload.batch()).isFalse();
    JsonRpcNotification n = (JsonRpcNotification) ((JsonRpcPayload.Valid) payload.items().get(0)).message();
    assertThat(n.method()).isEqualTo("|virt|VM_status|" + vm);
    JsonObject params = n.params().getAsJsonObject();
    assertThat(params.keySet()).containsExactlyInAnyOrder(vm, "notify_time");
    assertThat(params.get("notify_time").getAsLong()).isPositive();
    JsonObject details = params.getAsJsonObject(vm);
    assertThat(details.get("status").getAsString()).isEqualTo("Up");
    assertThat(details.get("elapsedTime").getAsString()).isEqualTo("42");
    assertThat(details.keySet()).contains("monitorResponse", "displayInfo", "hash", "cpuUser", "statusTime");
    JsonObject paused = JsonRpcCodec.decode(VmStatusEvent.encode(vm, false, 43)).items().stream()
        .map(i -> ((JsonRpcNotification) ((JsonRpcPayload.Valid) i).message()).params().getAsJsonObject())
        .findFirst().orElseThrow().getAsJsonObject(vm);
    assertThat(paused.get("status").getAsString()).isEqualTo("Paused");
  }

  @Test
  void wheelSendsEachSubscriberEventsOfItsOwnVmEveryPeriodAndStopsForOneThatLeft() throws Exception {
    Broker broker = new Broker(BrokerConfig.DEFAULTS);
    List<Recorder> hosts = List.of(new Recorder(), new Recorder(), new Recorder());
    for (Recorder r : hosts) {
      broker.subscribe(r, "events", VdsmDestinations.EVENTS, AckMode.AUTO);
    }
    Recorder other = new Recorder();
    broker.subscribe(other, "answers", VdsmDestinations.RESPONSES, AckMode.AUTO);
    try (EventWheel wheel = new EventWheel(broker, Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(100))) {
      wheel.start();
      await().atMost(WAIT).until(() -> hosts.stream().allMatch(r -> r.got.size() >= 3));
      broker.disconnected(hosts.get(0));
      // The roster is read every ten ticks; six events of another host (two ticks apart at least)
      // span a roster read, after which the host that left gets nothing more.
      int others = hosts.get(1).got.size();
      await().atMost(WAIT).until(() -> hosts.get(1).got.size() >= others + 6);
      int gone = hosts.get(0).got.size();
      await().atMost(WAIT).until(() -> hosts.get(1).got.size() >= others + 11);
      assertThat(hosts.get(0).got).hasSize(gone);
    }
    Set<String> vms = new HashSet<>();
    for (Recorder r : hosts) {
      Set<String> methods = new HashSet<>();
      for (Message m : r.got) {
        assertThat(m.destination()).isEqualTo(VdsmDestinations.EVENTS);
        assertThat(m.contentType()).isEqualTo("application/json");
        String body = new String(m.body(), StandardCharsets.UTF_8);
        methods.add(((JsonRpcNotification) ((JsonRpcPayload.Valid) JsonRpcCodec.decode(m.body()).items().get(0))
            .message()).method());
        assertThat(body).contains("\"notify_time\"");
      }
      assertThat(methods).hasSize(1).allMatch(method -> method.startsWith("|virt|VM_status|"));
      vms.addAll(methods);
    }
    assertThat(vms).as("every host has its own VM").hasSize(3);
    assertThat(other.got).isEmpty();
  }

  @Test
  void engineClientFleetIsPolledAndGetsItsHostsEventsOverTls() throws Exception {
    PkiLayout pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    try (VdsmServer server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki))) {
      int port = server.start().getPort();
      try (EventWheel wheel = new EventWheel(server.broker(), Duration.ofMillis(200), Duration.ofMillis(300),
              Duration.ofMillis(100)).start();
           EngineClientFleet fleet = new EngineClientFleet(pki)) {
        fleet.connect(List.of("localhost", "localhost"), port);
        fleet.connect(List.of("localhost"), port);
        assertThat(fleet.open()).isEqualTo(3);
        try (StatsPoller poller = new StatsPoller(fleet, 3, Duration.ofMillis(600), Duration.ofMillis(100)).start()) {
          await().atMost(WAIT).until(() -> poller.answered() >= 6 && fleet.events() >= 6);
          assertThat(poller.failed()).as("first failure: %s", poller.firstFailure()).isZero();
        }
      }
    }
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.it.broker.ArtemisCluster;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.EmbeddedArtemis;

/**
 * The phase-5 story ({@link Phase5Story}) across a two-node Artemis cluster on loopback (static
 * connectors, ON_DEMAND load balancing, redistribution delay 0; mutual TLS on both STOMP
 * acceptors): the engine on node A, every host process on node B, so requests, replies and events
 * cross the cluster. Each client knows both nodes (hosts {@code --broker B --broker A}, the engine
 * A then B). Then node B goes away mid-run: the hosts and an engine that were on it reconnect to
 * node A, and calls and events go on there.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class Phase5ArtemisClusterTest extends Phase5Story {
  private ArtemisCluster cluster;

  @Override
  Broker startBroker(BrokerPki pki, Path dir, List<String> hostIds) throws Exception {
    cluster = ArtemisCluster.start(dir, pki, 2, WAIT);
    return new Broker(List.of(nodeB().stompUrl(), nodeA().stompUrl()),
        List.of(URI.create(nodeA().stompUrl()), URI.create(nodeB().stompUrl())), cluster);
  }

  private EmbeddedArtemis nodeA() {
    return cluster.node(0);
  }

  private EmbeddedArtemis nodeB() {
    return cluster.node(1);
  }

  @Test
  @Order(DISRUPTIVE + 1)
  void nodeGoneMidRunCallsAndEventsGoOnThroughTheSurvivingNodeOnceTheClientsReconnect() throws Exception {
    BrokerConnection onB = engine("engine-on-b", List.of(URI.create(nodeB().stompUrl()), URI.create(nodeA().stompUrl())));
    List<HostEvent> eventsOnB = new CopyOnWriteArrayList<>();
    onB.host(HOST1).subscribe("*|virt|VM_status|*", eventsOnB::add);
    assertThat(get(onB.host(HOST1).call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
    long sessions = onB.sessionCount();
    CompletableFuture<JsonElement> inFlight = onB.host(NOBODY).call("Host.ping2", null, Duration.ofSeconds(60), null);
    await().atMost(WAIT).until(() -> onB.callsInFlight() == 1);

    long stopped = System.nanoTime();
    nodeB().stop(); // no graceful shutdown: its connections just close
    assertThat(inFlight).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionLostException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(20));
    await().atMost(WAIT).until(() -> onB.sessionCount() > sessions && onB.isConnected());

    // Both engines (one moved to node A, one there all along) reach every host process, now on node A.
    for (BrokerConnection e : List.of(engine, onB)) {
      assertThat(get(e.host(HOST1).call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
      assertThat(get(e.host(HOST2).call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
      CompletableFuture<JsonElement> storage =
          e.host(HOST1).call("Task.getStatus", params("taskID", UUID.randomUUID().toString()));
      assertThat(storage).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOfSatisfying(JsonRpcErrorException.class, x -> assertThat(x.code()).isEqualTo(401));
    }
    String vmId = UUID.randomUUID().toString();
    get(onB.host(HOST1).call("VM.create", vmCreate(vmId)));
    await().atMost(WAIT).until(() -> eventsOnB.stream().anyMatch(e -> vmId.equals(e.objectId()))
        && vmEvents.stream().anyMatch(e -> vmId.equals(e.objectId())));
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
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
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.it.broker.ArtemisCertificateLogin;
import org.ovirt.vdsm.messaging.it.broker.ArtemisNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.EmbeddedArtemis;

/**
 * Phase 5 of the feature page, end to end with both real ends: the broker is pulled out of the
 * host, and engine and hosts meet on an external one, here one ActiveMQ Artemis node (embedded,
 * mutual TLS, certificate login with per-host roles). The story is {@link Phase5Story}'s; the same
 * story runs across an Artemis cluster ({@link Phase5ArtemisClusterTest}) and on RabbitMQ ({@link
 * Phase5RabbitMqTest}). This class adds the broker restart: Artemis comes back on the same port in
 * well under a second.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class Phase5ExternalBrokerTest extends Phase5Story {
  private EmbeddedArtemis artemis;

  @Override
  Broker startBroker(BrokerPki pki, Path dir, List<String> hostIds) throws Exception {
    ArtemisCertificateLogin login = ArtemisCertificateLogin.write(dir.resolve("login"), pki, hostIds);
    artemis = EmbeddedArtemis.start(
        ArtemisNodeSettings.singleNode("artemis-phase5", dir.resolve("artemis"), pki).withCertificateLogin(login));
    return Broker.single(artemis.stompUrl(), artemis);
  }

  @Test
  @Order(DISRUPTIVE + 1)
  void brokerRestartFailsCallsInFlightAtOnceAndBothEndsReconnectAndServeAgain() throws Exception {
    HostClient one = engine.host(HOST1);
    List<HostClient.State> states = new CopyOnWriteArrayList<>();
    one.addStateListener((client, state, why) -> states.add(state));
    long sessions = engine.sessionCount();
    CompletableFuture<JsonElement> inFlight = engine.host(NOBODY).call("Host.ping2", null, Duration.ofSeconds(60), null);
    await().atMost(WAIT).until(() -> engine.callsInFlight() == 1);

    long stopped = System.nanoTime();
    try {
      artemis.stop();
      assertThat(inFlight).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(ConnectionLostException.class);
      // At once, not at its deadline (60 s).
      assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(20));
      await().atMost(WAIT).until(() -> one.state() == HostClient.State.DISCONNECTED);
    } finally {
      artemis.start();
    }
    await().atMost(WAIT).until(() -> engine.sessionCount() > sessions && engine.isConnected());
    assertThat(one.state()).isEqualTo(HostClient.State.CONNECTED);
    // Listeners hear of a state after it is in force.
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(states).containsSubsequence(HostClient.State.DISCONNECTED, HostClient.State.CONNECTED));

    // The hosts reconnect with backoff and subscribe again; a request sent before that waits in its queue.
    assertThat(get(one.call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
    assertThat(get(engine.host(HOST2).call("Host.ping2", null))).isEqualTo(new JsonPrimitive(true));
    CompletableFuture<JsonElement> storage =
        one.call("Task.getStatus", params("taskID", UUID.randomUUID().toString()));
    assertThat(storage).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(JsonRpcErrorException.class, e -> assertThat(e.code()).isEqualTo(401));
    assertThat(host1.process().logLines()).anyMatch(l -> l.contains("reconnecting to the broker in"));
    assertThat(host1.process().isAlive()).isTrue();

    // Events flow again: the engine subscribed again, the host publishes again.
    String vmId = UUID.randomUUID().toString();
    get(one.call("VM.create", vmCreate(vmId)));
    await().atMost(WAIT).until(() -> vmEvents.stream().anyMatch(e -> vmId.equals(e.objectId())));
  }
}

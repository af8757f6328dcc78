package org.ovirt.vdsm.messaging.it.broker;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * The destination layout across a two-node Artemis cluster in this JVM: the engine on node A, the
 * hosts on node B; requests, replies and events cross the cluster (ON_DEMAND load balancing,
 * redistribution delay 0).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ArtemisClusterTest extends BrokerLayoutContract {

  @TempDir static Path dir;
  static BrokerPki pki;
  static ArtemisCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    pki = BrokerPki.generate(dir.resolve("pki"));
    cluster = ArtemisCluster.start(dir, pki, 2, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  StompTestClient engine() throws IOException {
    return StompTestClient.connect(pki.engine().sslContext(), cluster.node(0).stompPort(), WAIT);
  }

  @Override
  StompTestClient host(String hostId) throws IOException {
    return StompTestClient.connect(
        pki.client(hostId).sslContext(), cluster.node(1).stompPort(), WAIT);
  }

  @Override
  BrokerPki pki() {
    return pki;
  }

  @Override
  int hostPort() {
    return cluster.node(1).stompPort();
  }

  @Override
  Map<String, String> expiryHeaders(long deadlineMs) {
    return Map.of("expires", Long.toString(deadlineMs));
  }

  @Override
  Set<String> headersTheBrokerAdds() {
    return ArtemisHeaders.ADDED;
  }

  /** Publishes probes on node B until both engine subscriptions on node A receive them. */
  @Override
  void awaitEventRoutes(StompTestClient engine, StompTestClient host, StompTestClient otherHost) {
    Set<String> seen = new HashSet<>();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              host.send(events(HOST, "probe"), Map.of(), PROBE);
              otherHost.send(events(OTHER_HOST, "probe"), Map.of(), PROBE);
              for (Optional<StompFrame> m = engine.pollMessage(Duration.ofMillis(50));
                  m.isPresent();
                  m = engine.pollMessage(Duration.ofMillis(50))) {
                seen.add(m.get().header("subscription") + "@" + m.get().header("destination"));
              }
              return seen.contains("all-events@" + events(HOST, "probe"))
                  && seen.contains("host2-events@" + events(OTHER_HOST, "probe"));
            });
  }
}

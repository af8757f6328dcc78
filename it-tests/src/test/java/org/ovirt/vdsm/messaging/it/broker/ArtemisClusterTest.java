package org.ovirt.vdsm.messaging.it.broker;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The destination layout across a two-node Artemis cluster in this JVM: the engine on node A, the
 * hosts on node B; requests, replies and events cross the cluster (ON_DEMAND load balancing,
 * redistribution delay 0).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ArtemisClusterTest extends BrokerLayoutContract {

  @RegisterExtension static final TwoNodeArtemis cluster = new TwoNodeArtemis();

  @Override
  StompTestClient engine() throws IOException {
    return cluster.connectEngine(WAIT);
  }

  @Override
  StompTestClient host(String hostId) throws IOException {
    return cluster.connectHost(hostId, WAIT);
  }

  @Override
  BrokerPki pki() {
    return cluster.pki();
  }

  @Override
  int hostPort() {
    return cluster.hostSide().stompPort();
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

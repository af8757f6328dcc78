package org.ovirt.vdsm.messaging.it.broker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker-mode host on node B of a two-node Artemis cluster, the fake engine on node A: requests,
 * replies and events cross the cluster.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokeredHostArtemisClusterTest extends BrokeredHostContract {
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
  StompTestClient engineClient() throws IOException {
    return StompTestClient.connect(pki.engine().sslContext(), cluster.node(0).stompPort(), WAIT);
  }

  @Override
  String hostBrokerUrl() {
    return "stomp+ssl://" + LoopbackPorts.HOST + ":" + cluster.node(1).stompPort();
  }

  @Override
  BrokerPki pki() {
    return pki;
  }
}

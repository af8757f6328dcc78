package org.ovirt.vdsm.messaging.it.broker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * engine-client's broker mode across a two-node Artemis cluster: the engine on node A, the hosts on
 * node B; requests, replies and events cross the cluster. The restart story is told on a single
 * node ({@link ArtemisEngineClientTest}): restarting one member of this in-JVM cluster is not part
 * of the fixture.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ArtemisClusterEngineClientTest extends EngineThroughBrokerContract {
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
  BrokerPki pki() {
    return pki;
  }

  @Override
  URI engineUrl() {
    return URI.create(cluster.node(0).stompUrl());
  }

  @Override
  StompTestClient hostClient(String hostId) throws IOException {
    return StompTestClient.connect(pki.client(hostId).sslContext(), cluster.node(1).stompPort(), WAIT);
  }

  @Override
  void stopBroker() {
    assumeTrue(false, "restart is tested on a single node (ArtemisEngineClientTest)");
  }

  @Override
  void startBroker() {}
}

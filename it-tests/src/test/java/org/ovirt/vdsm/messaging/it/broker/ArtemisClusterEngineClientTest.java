package org.ovirt.vdsm.messaging.it.broker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * engine-client's broker mode across a two-node Artemis cluster: the engine on node A, the hosts on
 * node B; requests, replies and events cross the cluster. The restart story is told on a single
 * node ({@link ArtemisEngineClientTest}): restarting one member of this in-JVM cluster is not part
 * of the fixture.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ArtemisClusterEngineClientTest extends EngineThroughBrokerContract {
  @RegisterExtension static final TwoNodeArtemis cluster = new TwoNodeArtemis();

  @Override
  BrokerPki pki() {
    return cluster.pki();
  }

  @Override
  URI engineUrl() {
    return URI.create(cluster.engineSide().stompUrl());
  }

  @Override
  StompTestClient hostClient(String hostId) throws IOException {
    return cluster.connectHost(hostId, WAIT);
  }

  @Override
  void stopBroker() {
    assumeTrue(false, "restart is tested on a single node (ArtemisEngineClientTest)");
  }

  @Override
  void startBroker() {}
}

package org.ovirt.vdsm.messaging.it.broker;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker-mode host on node B of a two-node Artemis cluster, the fake engine on node A: requests,
 * replies and events cross the cluster.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokeredHostArtemisClusterTest extends BrokeredHostContract {
  @RegisterExtension static final TwoNodeArtemis cluster = new TwoNodeArtemis();

  @Override
  StompTestClient engineClient() throws IOException {
    return cluster.connectEngine(WAIT);
  }

  @Override
  String hostBrokerUrl() {
    return "stomp+ssl://" + LoopbackPorts.HOST + ":" + cluster.hostSide().stompPort();
  }

  @Override
  BrokerPki pki() {
    return cluster.pki();
  }
}

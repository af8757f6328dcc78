package org.ovirt.vdsm.messaging.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqNode;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.RabbitMqUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phase-5 story ({@link Phase5Story}) on a private RabbitMQ node (Debian's {@code
 * rabbitmq-server}, STOMP over mutual TLS, certificate login: the engine unrestricted, each host
 * limited to its own request queues). Started once for the class (RabbitMQ starts slowly under
 * load). Skipped, loudly, when RabbitMQ is not installed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class Phase5RabbitMqTest extends Phase5Story {
  /** The message of every skip, counted by {@code .ci/run}. */
  static final String SKIPPED = "SKIPPED FOR MISSING RABBITMQ: " + RabbitMqNode.INSTALL_HINT;

  private static final Logger log = LoggerFactory.getLogger(Phase5RabbitMqTest.class);

  @Override
  Broker startBroker(BrokerPki pki, Path dir, List<String> hostIds) throws Exception {
    if (!RabbitMqNode.isInstalled()) {
      log.warn(SKIPPED);
    }
    assumeTrue(RabbitMqNode.isInstalled(), SKIPPED);
    List<RabbitMqUser> users = new ArrayList<>();
    users.add(RabbitMqUser.unrestricted("engine"));
    hostIds.forEach(h -> users.add(RabbitMqUser.vdsmHost(h)));
    RabbitMqNode rabbit = RabbitMqNode.start(
        RabbitMqNodeSettings.withFreePorts("vdsm-phase5", dir, pki, users), Duration.ofSeconds(120));
    return Broker.single(rabbit.stompUrl(), rabbit);
  }
}

package org.ovirt.vdsm.messaging.it.broker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * engine-client's broker mode through a private RabbitMQ node over mutual TLS with certificate
 * login (the engine unrestricted, each host limited to its own request queues). Skipped, loudly,
 * when RabbitMQ is not installed.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RabbitMqEngineClientTest extends EngineThroughBrokerContract {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqEngineClientTest.class);

  @TempDir static Path dir;
  static BrokerPki pki;
  static RabbitMqNode rabbit;

  @BeforeAll
  static void start() throws Exception {
    if (!RabbitMqNode.isInstalled()) {
      log.warn(RabbitMqTest.SKIPPED);
    }
    assumeTrue(RabbitMqNode.isInstalled(), RabbitMqTest.SKIPPED);
    pki = BrokerPki.generate(dir.resolve("pki"));
    rabbit = RabbitMqNode.start(
        RabbitMqNodeSettings.withFreePorts("vdsm-engine-it", dir.resolve("rabbit"), pki,
            List.of(RabbitMqUser.unrestricted("engine"), RabbitMqUser.vdsmHost(HOST),
                RabbitMqUser.vdsmHost(OTHER_HOST), RabbitMqUser.vdsmHost(DOWN_HOST))),
        Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() throws Exception {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  @Override
  BrokerPki pki() {
    return pki;
  }

  @Override
  URI engineUrl() {
    return URI.create(rabbit.stompUrl());
  }

  @Override
  StompTestClient hostClient(String hostId) throws IOException {
    return StompTestClient.connect(pki.client(hostId).sslContext(), rabbit.stompPort(), WAIT);
  }

  @Override
  void stopBroker() throws Exception {
    rabbit.stop();
  }

  @Override
  void startBroker() throws Exception {
    rabbit.start(Duration.ofSeconds(120));
  }
}

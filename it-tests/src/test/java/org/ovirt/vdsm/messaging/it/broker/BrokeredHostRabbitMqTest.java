package org.ovirt.vdsm.messaging.it.broker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker-mode host on a private RabbitMQ node (mutual TLS, certificate login, per-host
 * permissions). Skipped, loudly, when RabbitMQ is not installed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrokeredHostRabbitMqTest extends BrokeredHostContract {
  private static final Logger log = LoggerFactory.getLogger(BrokeredHostRabbitMqTest.class);

  @TempDir static Path dir;
  static BrokerPki pki;
  static RabbitMqNode rabbit;

  @BeforeAll
  static void start() throws Exception {
    if (!RabbitMqNode.isInstalled()) {
      log.warn(RabbitMqTest.SKIPPED);
      return;
    }
    pki = BrokerPki.generate(dir.resolve("pki"));
    rabbit = RabbitMqNode.start(
        RabbitMqNodeSettings.withFreePorts("vdsm-host-it", dir.resolve("rabbit"), pki,
            List.of(RabbitMqUser.unrestricted("engine"), RabbitMqUser.vdsmHost(HOST), RabbitMqUser.vdsmHost(OTHER_HOST))),
        Duration.ofSeconds(120));
  }

  @BeforeEach
  void requireRabbitMq() {
    assumeTrue(rabbit != null, RabbitMqTest.SKIPPED);
  }

  @AfterAll
  static void stop() throws Exception {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  @Override
  StompTestClient engineClient() throws IOException {
    return StompTestClient.connect(pki.engine().sslContext(), rabbit.stompPort(), WAIT);
  }

  @Override
  String hostBrokerUrl() {
    return "stomp+ssl://" + LoopbackPorts.HOST + ":" + rabbit.stompPort();
  }

  @Override
  BrokerPki pki() {
    return pki;
  }
}

package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination layout through a private RabbitMQ node over mutual TLS with certificate login,
 * and its per-host permissions: a host cannot consume another host's requests nor the engine's
 * replies. Skipped, loudly, when RabbitMQ is not installed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RabbitMqTest extends BrokerLayoutContract {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqTest.class);

  /** The reason every test of this class gives when it is skipped. */
  static final String SKIPPED = "SKIPPED FOR MISSING RABBITMQ: " + RabbitMqNode.INSTALL_HINT;

  @TempDir static Path dir;
  static BrokerPki pki;
  static RabbitMqNode rabbit;

  @BeforeAll
  static void start() throws Exception {
    if (!RabbitMqNode.isInstalled()) {
      log.warn(SKIPPED);
      return; // every test is then skipped, one by one, by requireRabbitMq()
    }
    pki = BrokerPki.generate(dir.resolve("pki"));
    rabbit =
        RabbitMqNode.start(
            RabbitMqNodeSettings.withFreePorts(
                "vdsm-it",
                dir.resolve("rabbit"),
                pki,
                List.of(
                    RabbitMqUser.unrestricted("engine"),
                    RabbitMqUser.vdsmHost(HOST),
                    RabbitMqUser.vdsmHost(OTHER_HOST))),
            Duration.ofSeconds(120));
    log.info(
        "RabbitMQ ready in {} ms, RSS {}",
        rabbit.lastStartTime().toMillis(),
        rabbit.residentMemoryBytes().map(b -> b / (1024 * 1024) + " MiB").orElse("unknown"));
  }

  /** Each test is reported as skipped, with the reason, when there is no RabbitMQ. */
  @BeforeEach
  void requireRabbitMq() {
    assumeTrue(rabbit != null, SKIPPED);
  }

  @AfterAll
  static void stop() throws Exception {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  @Override
  StompTestClient engine() throws IOException {
    return StompTestClient.connect(pki.engine().sslContext(), rabbit.stompPort(), WAIT);
  }

  @Override
  StompTestClient host(String hostId) throws IOException {
    return StompTestClient.connect(pki.client(hostId).sslContext(), rabbit.stompPort(), WAIT);
  }

  @Override
  BrokerPki pki() {
    return pki;
  }

  @Override
  int hostPort() {
    return rabbit.stompPort();
  }

  /** RabbitMQ's per-message TTL: {@code expiration}, milliseconds relative to publication. */
  @Override
  Map<String, String> expiryHeaders(long deadlineMs) {
    return Map.of("expiration", Long.toString(Math.max(1, deadlineMs - System.currentTimeMillis())));
  }

  /**
   * RabbitMQ 3.10 adds these to a MESSAGE for an {@code ack:auto} subscription ({@code receipt} is
   * the SEND's, copied; {@code ack} comes with client acks).
   */
  @Override
  Set<String> headersTheBrokerAdds() {
    return Set.of("subscription", "message-id", "redelivered", "content-length", "receipt");
  }

  @Test
  void hostCannotConsumeAnotherHostsRequests() throws Exception {
    try (StompTestClient host = host(HOST)) {
      assertThatThrownBy(() -> host.subscribe("steal", requests(OTHER_HOST, "virt")))
          .isInstanceOf(IOException.class);
      assertThat(host.error()).isPresent();
      assertThat(host.error().get().header("message")).containsIgnoringCase("access_refused");
      assertThat(host.awaitClosed(WAIT)).isTrue();
    }
  }

  @Test
  void hostCannotConsumeTheEngineReplies() throws Exception {
    try (StompTestClient host = host(HOST)) {
      assertThatThrownBy(() -> host.subscribe("steal", replies("e-security")))
          .isInstanceOf(IOException.class);
      assertThat(host.error().get().header("message")).containsIgnoringCase("access_refused");
    }
  }

  @Test
  void certificateOfAnUnknownUserIsRefused() throws Exception {
    assertThatThrownBy(
            () -> StompTestClient.connect(pki.client("host3").sslContext(), rabbit.stompPort(), WAIT))
        .isInstanceOf(IOException.class);
  }
}

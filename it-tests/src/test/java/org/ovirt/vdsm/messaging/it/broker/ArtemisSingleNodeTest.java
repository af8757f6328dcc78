package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.testing.RawStompClient;

/**
 * The destination layout through one embedded Artemis node over mutual TLS with certificate login
 * and per-host authorization, plus what only this fixture offers: a plaintext acceptor for
 * development and a restart on the same port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArtemisSingleNodeTest extends BrokerLayoutContract {

  @TempDir static Path dir;
  static BrokerPki pki;
  static EmbeddedArtemis artemis;

  @BeforeAll
  static void start() throws Exception {
    pki = BrokerPki.generate(dir.resolve("pki"));
    ArtemisCertificateLogin login =
        ArtemisCertificateLogin.write(dir.resolve("login"), pki, List.of(HOST, OTHER_HOST));
    artemis =
        EmbeddedArtemis.start(
            ArtemisNodeSettings.singleNode("artemis-single", dir.resolve("artemis"), pki)
                .withCertificateLogin(login)
                .withPlainStomp());
  }

  @AfterAll
  static void stop() throws Exception {
    if (artemis != null) {
      artemis.close();
    }
  }

  @Override
  StompTestClient engine() throws IOException {
    return StompTestClient.connect(pki.engine().sslContext(), artemis.stompPort(), WAIT);
  }

  @Override
  StompTestClient host(String hostId) throws IOException {
    return StompTestClient.connect(pki.client(hostId).sslContext(), artemis.stompPort(), WAIT);
  }

  @Override
  BrokerPki pki() {
    return pki;
  }

  @Override
  int hostPort() {
    return artemis.stompPort();
  }

  @Override
  Map<String, String> expiryHeaders(long deadlineMs) {
    return Map.of("expires", Long.toString(deadlineMs));
  }

  @Override
  Set<String> headersTheBrokerAdds() {
    return ArtemisHeaders.ADDED;
  }

  @Test
  void hostCannotConsumeAnotherHostsRequests() throws Exception {
    try (StompTestClient host = host(HOST)) {
      assertThatThrownBy(() -> host.subscribe("steal", requests(OTHER_HOST, "virt")))
          .isInstanceOf(IOException.class);
      assertThat(host.error().get().header("message"))
          .isEqualTo(
              "AMQ229032 User host1 does not have permission='CREATE_ADDRESS' on address "
                  + "vdsm.requests.host2.virt");
    }
  }

  @Test
  void hostCannotConsumeTheEngineReplies() throws Exception {
    try (StompTestClient host = host(HOST)) {
      assertThatThrownBy(() -> host.subscribe("steal", replies("e-security")))
          .isInstanceOf(IOException.class);
      // The host may create the reply address (it sends replies) but not consume: Artemis says
      // only that the subscription failed.
      assertThat(host.error().get().header("message"))
          .isEqualTo("AMQ339016 Error creating subscription steal");
    }
  }

  @Test
  void certificateOfTheCaWithoutAUserIsRefused() throws Exception {
    assertThatThrownBy(
            () -> StompTestClient.connect(pki.client("host3").sslContext(), artemis.stompPort(), WAIT))
        .isInstanceOf(IOException.class);
  }

  /** The development acceptor has no client certificate, so certificate login refuses it. */
  @Test
  void plaintextAcceptorAnswersDevelopmentClients() throws Exception {
    try (RawStompClient raw =
        new RawStompClient(
            new InetSocketAddress(LoopbackPorts.HOST, artemis.plainStompPort()),
            Duration.ofSeconds(10))) {
      raw.send("CONNECT\naccept-version:1.2\nhost:/\nheart-beat:0,0\n\n\0");
      RawStompClient.Frame answer = raw.readFrame();
      assertThat(answer.command()).isEqualTo("ERROR");
      assertThat(answer.header("message")).contains("User name [null] or password is invalid");
    }
  }

  @Test
  void restartOnTheSamePortDropsClientsAndServesNewOnes() throws Exception {
    StompTestClient before = engine();
    try {
      artemis.stop();
      assertThat(before.awaitClosed(WAIT)).isTrue();
      assertThat(LoopbackPorts.accepts(artemis.stompPort(), Duration.ofSeconds(1))).isFalse();
    } finally {
      before.close();
      artemis.start();
    }
    try (StompTestClient engine = engine();
        StompTestClient host = host(HOST)) {
      host.subscribe("requests", requests(HOST, "virt"));
      engine.send(requests(HOST, "virt"), Map.of("reply-to", replies("e-restart")), "{}");
      StompFrame request = host.nextMessage();
      assertThat(request.bodyAsString()).isEqualTo("{}");
    }
  }
}

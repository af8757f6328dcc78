package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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
 * The destination layout through one embedded Artemis node over mutual TLS, plus what only this
 * fixture offers: a plaintext acceptor for development and a restart on the same port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArtemisSingleNodeTest extends BrokerLayoutContract {

  @TempDir static Path dir;
  static BrokerPki pki;
  static EmbeddedArtemis artemis;

  @BeforeAll
  static void start() throws Exception {
    pki = BrokerPki.generate(dir.resolve("pki"));
    artemis =
        EmbeddedArtemis.start(
            ArtemisNodeSettings.singleNode("artemis-single", dir.resolve("artemis"), pki)
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
  void plaintextAcceptorServesDevelopmentClients() throws Exception {
    try (RawStompClient raw =
        new RawStompClient(
            new InetSocketAddress(LoopbackPorts.HOST, artemis.plainStompPort()),
            Duration.ofSeconds(10))) {
      raw.send("CONNECT\naccept-version:1.2\nhost:/\nheart-beat:0,0\n\n\0");
      RawStompClient.Frame connected = raw.readFrame();
      assertThat(connected.command()).isEqualTo("CONNECTED");
      assertThat(connected.header("version")).isEqualTo("1.2");
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

package org.ovirt.vdsm.messaging.it.broker;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** engine-client's broker mode through one embedded Artemis node over mutual TLS. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArtemisEngineClientTest extends EngineThroughBrokerContract {
  @TempDir static Path dir;
  static BrokerPki pki;
  static EmbeddedArtemis artemis;

  @BeforeAll
  static void start() throws Exception {
    pki = BrokerPki.generate(dir.resolve("pki"));
    artemis = EmbeddedArtemis.start(ArtemisNodeSettings.singleNode("artemis-engine", dir.resolve("artemis"), pki));
  }

  @AfterAll
  static void stop() throws Exception {
    if (artemis != null) {
      artemis.close();
    }
  }

  @Override
  BrokerPki pki() {
    return pki;
  }

  @Override
  URI engineUrl() {
    return URI.create(artemis.stompUrl());
  }

  @Override
  StompTestClient hostClient(String hostId) throws IOException {
    return StompTestClient.connect(pki.client(hostId).sslContext(), artemis.stompPort(), WAIT);
  }

  @Override
  void stopBroker() throws Exception {
    artemis.stop();
  }

  @Override
  void startBroker() throws Exception {
    artemis.start();
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonPrimitive;
import io.netty.handler.ssl.OpenSsl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.cli.VdsmClientMain;
import org.ovirt.vdsm.messaging.server.TlsReloadSettings;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.testing.PkiFiles;

/**
 * Both ends' certificates renewed and revoked while they run, end to end over mutual TLS: the real
 * host service and the real engine client (STOMP and legacy XML-RPC) both reload their files, the
 * connection made before carries on, new ones use the new material; an engine revoked by the CA's
 * list is refused by the host and {@code vdsm-client} says so in one line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CertificateLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(100);

  @TempDir Path dir;
  private PkiFiles pki;
  private VdsmServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    pki = PkiFiles.create(dir);
    server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki.layout())
        .withTlsReload(TlsReloadSettings.DEFAULTS.withPollInterval(POLL)));
    port = server.start().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static void assertAnswers(HostClient client) throws Exception {
    assertThat(client.call("Host.ping2", null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(new JsonPrimitive(true));
  }

  @Test
  void bothEndsRenewTheirCertificatesWhileConnected() throws Exception {
    try (EngineClientFactory factory = EngineClientFactory.builder().pki(pki.layout())
        .tlsReloadInterval(POLL).defaultTimeout(WAIT).build()) {
      HostClient before = factory.connect("localhost", port).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      HostClient legacyBefore = factory.openXmlRpc("localhost", port);
      assertAnswers(before);
      assertAnswers(legacyBefore);

      var host = pki.newHost("host");
      var engine = pki.ca().issueClient("engine-renewed");
      pki.installHost(host);
      pki.installEngine(engine);
      await().atMost(WAIT).until(() ->
          server.tls().orElseThrow().material().certificate().equals(host.certificate()));

      assertAnswers(before); // the STOMP connection made before the renewals carries on
      HostClient after = factory.connect("localhost", port).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertAnswers(after);
      assertAnswers(factory.openXmlRpc("localhost", port));
      assertAnswers(legacyBefore);
    }
  }

  @Test
  void anEngineRevokedByTheHostIsRefusedAndVdsmClientSaysWhy() throws Exception {
    assumeTrue(OpenSsl.isAvailable(), "the JDK provider sends certificate_unknown for every refusal");
    pki.revoke(pki.engine().certificate());
    await().atMost(WAIT).until(() -> server.tls().orElseThrow().material().crl().revokedCount() == 1);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VdsmClientMain.run(
        new String[] {"--host", "localhost", "--port", String.valueOf(port), "--pki-dir", dir.toString(),
            "--timeout", "20", "Host", "ping2"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(stderr).isEqualTo(ExitCodes.NO_ANSWER);
    assertThat(stderr.lines()).as(stderr).singleElement().asString()
        .startsWith("vdsm-client: localhost:" + port + " refused this client's certificate as revoked")
        .contains(pki.layout().engineCert().toString());
  }
}

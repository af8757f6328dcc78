package org.ovirt.vdsm.messaging.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.internal.FakeStompPeer;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext;

/**
 * The engine client's own certificate renewed on disk, over real mutual TLS (a JDK TLS front that
 * records the client certificate of each connection): {@link EngineClientFactory#reloadTls()} and
 * the factory's own file polling make the next connection present the new certificate, while a
 * host client connected before keeps its connection and answers.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EngineTlsReloadTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private CertificateAuthority ca;
  private PkiLayout engine;
  private FakeStompPeer backend;
  private TlsFront front;

  @BeforeEach
  void start() throws IOException {
    ca = TestPki.ca("engine-ca");
    engine = TestPki.engineDir(dir.resolve("engine"), ca);
    backend = new FakeStompPeer();
    backend.answerer = body -> "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":"
        + JsonParser.parseString(body).getAsJsonObject().get("id") + "}";
    PkiLayout host = TestPki.hostDir(dir.resolve("host"), ca, TestPki.host(ca));
    front = new TlsFront(host.hostKey(), host.hostCert(), host.caCert(), backend.port());
  }

  @AfterEach
  void stop() throws Exception {
    front.close();
    backend.close();
  }

  /** Replaces the engine's certificate and key the way a renewal does: each file whole, renamed. */
  private void renewEngine(String commonName) throws IOException {
    KeyAndCertificate renewed = ca.issueClient(commonName, KeyType.EC_P256, Duration.ofDays(1));
    Path staging = Files.createTempDirectory(dir, "renew");
    Path cert = staging.resolve("cert.pem");
    Path key = staging.resolve("key.pem");
    TestPki.write(cert, key, renewed);
    Files.move(key, engine.engineKey(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(cert, engine.engineCert(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private String subjectOfNextConnection() throws InterruptedException {
    String subject = front.clientSubjects.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(subject).as("a connection within " + WAIT).isNotNull();
    return subject;
  }

  private static void assertAnswers(HostClient client) throws Exception {
    assertThat(client.call("Host.ping2", null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(new JsonPrimitive(true));
  }

  @Test
  void reloadTlsMakesTheNextConnectionPresentTheNewCertificate() throws Exception {
    try (EngineClientFactory factory = EngineClientFactory.builder().pki(engine)
        .tlsReloadInterval(Duration.ZERO).workerThreads(2).build()) {
      HostClient before = factory.connect("localhost", front.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(subjectOfNextConnection()).isEqualTo("CN=engine,O=test");

      renewEngine("engine-renewed");
      assertThat(factory.reloadTls()).isEqualTo(ReloadingSslContext.Outcome.RELOADED);

      HostClient after = factory.connect("localhost", front.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(subjectOfNextConnection()).isEqualTo("CN=engine-renewed,O=test");
      assertAnswers(after);
      assertAnswers(before); // the connection made before the reload carries on
      assertThat(front.clientSubjects).as("no reconnect of the old client").isEmpty();
    }
  }

  @Test
  void theFactoryNoticesChangedFilesByItself() throws Exception {
    try (EngineClientFactory factory = EngineClientFactory.builder().pki(engine)
        .tlsReloadInterval(Duration.ofMillis(100)).workerThreads(2).build()) {
      HostClient first = factory.connect("localhost", front.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(subjectOfNextConnection()).isEqualTo("CN=engine,O=test");
      renewEngine("engine-polled");
      await().atMost(WAIT).until(() -> {
        HostClient probe = factory.connect("localhost", front.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        probe.close();
        return subjectOfNextConnection().equals("CN=engine-polled,O=test");
      });
      assertAnswers(first);
    }
  }

  @Test
  void aBrokenRenewalKeepsTheCurrentCertificate() throws Exception {
    try (EngineClientFactory factory = EngineClientFactory.builder().pki(engine)
        .tlsReloadInterval(Duration.ZERO).workerThreads(2).build()) {
      Files.writeString(engine.engineCert(), "not a certificate\n");
      assertThat(factory.reloadTls()).isEqualTo(ReloadingSslContext.Outcome.FAILED);
      HostClient client = factory.connect("localhost", front.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(subjectOfNextConnection()).isEqualTo("CN=engine,O=test");
      assertAnswers(client);
    }
  }
}

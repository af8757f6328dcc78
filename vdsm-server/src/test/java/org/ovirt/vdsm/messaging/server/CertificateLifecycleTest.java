package org.ovirt.vdsm.messaging.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.detector.ProtocolDetection;
import org.ovirt.vdsm.messaging.testing.JdkTlsClient;
import org.ovirt.vdsm.messaging.testing.PkiFiles;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext;
import org.slf4j.LoggerFactory;

/**
 * The host's certificate lifecycle on a real {@link VdsmServer} over mutual TLS on loopback: the
 * certificate renewed on disk reaches new connections (the serial the client sees) while a STOMP
 * session opened before goes on; a revoked, expired or not yet valid client certificate is refused
 * with one log line naming the peer, the subject and the reason, without a stack trace.
 */
class CertificateLifecycleTest {
  private static final String CONNECT = "CONNECT\naccept-version:1.2\nhost:localhost\n\n\0";

  @TempDir Path dir;

  private final Logger detection = (Logger) LoggerFactory.getLogger(ProtocolDetection.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private PkiFiles pki;
  private VdsmServer server;

  @BeforeEach
  void setUp() throws Exception {
    lines.start();
    detection.addAppender(lines);
    detection.setLevel(Level.INFO);
    pki = PkiFiles.create(dir);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    detection.detachAppender(lines);
    detection.setLevel(null);
  }

  private int start(Duration poll) throws IOException {
    server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki.layout())
        .withTlsReload(TlsReloadSettings.DEFAULTS.withPollInterval(poll)));
    return server.start().getPort();
  }

  private JdkTlsClient engine(int port) throws IOException {
    return JdkTlsClient.connect(port, pki.engine(), pki.ca().certificate());
  }

  @Test
  void aRenewedHostCertificateReachesNewConnectionsAndOpenSessionsContinue() throws Exception {
    int port = start(Duration.ofMillis(100));
    BigInteger first = pki.host().certificate().getSerialNumber();
    try (JdkTlsClient before = engine(port)) {
      assertThat(before.frame(CONNECT)).startsWith("CONNECTED\n");
      assertThat(before.serverSerial()).isEqualTo(first);

      KeyAndCertificate renewed = pki.newHost("host");
      pki.installHost(renewed);
      BigInteger second = renewed.certificate().getSerialNumber();
      await().atMost(Duration.ofSeconds(10)).until(() -> serialOfANewConnection(port).equals(second));

      // The session opened before the renewal still works on its old certificate.
      assertThat(before.frame("SUBSCRIBE\nid:1\ndestination:jms.topic.x\nreceipt:r1\n\n\0"))
          .startsWith("RECEIPT\n").contains("receipt-id:r1");
      assertThat(before.serverSerial()).isEqualTo(first);
    }
  }

  private BigInteger serialOfANewConnection(int port) throws IOException {
    try (JdkTlsClient client = engine(port)) {
      assertThat(client.frame(CONNECT)).startsWith("CONNECTED\n");
      return client.serverSerial();
    }
  }

  @Test
  void reloadTlsIsWhatSighupDoes() throws Exception {
    int port = start(Duration.ZERO); // no polling: only the explicit reload
    BigInteger first = pki.host().certificate().getSerialNumber();
    KeyAndCertificate renewed = pki.newHost("host");
    pki.installHost(renewed);
    assertThat(serialOfANewConnection(port)).isEqualTo(first);
    assertThat(server.reloadTls()).isEqualTo(ReloadingSslContext.Outcome.RELOADED);
    assertThat(serialOfANewConnection(port)).isEqualTo(renewed.certificate().getSerialNumber());
  }

  @Test
  void aRevocationListPublishedWhileRunningRefusesTheRevokedEngine() throws Exception {
    int port = start(Duration.ofMillis(100));
    assertThat(serialOfANewConnection(port)).isNotNull();
    pki.revoke(pki.engine().certificate());
    await().atMost(Duration.ofSeconds(10))
        .until(() -> server.tls().orElseThrow().material().crl().revokedCount() == 1);
    int local;
    try (JdkTlsClient revoked = engine(port)) {
      local = revoked.localPort();
      assertThatThrownBy(() -> revoked.frame(CONNECT)).isInstanceOf(IOException.class);
    }
    assertOneRefusalLine(local, "CN=engine,O=test", pki.engine().certificate().getSerialNumber(), "is revoked (since ");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"expired", "not yet valid"})
  void anEngineCertificateOutsideItsValidityIsRefused(String kind) throws Exception {
    int port = start(Duration.ZERO);
    KeyAndCertificate client = kind.equals("expired") ? pki.expiredClient("old-engine") : pki.futureClient("new-engine");
    String reason = kind.equals("expired")
        ? "expired at " + client.certificate().getNotAfter().toInstant()
        : "is not valid before " + client.certificate().getNotBefore().toInstant();
    int local;
    try (JdkTlsClient refused = JdkTlsClient.connect(port, client, pki.ca().certificate())) {
      local = refused.localPort();
      assertThatThrownBy(() -> refused.frame(CONNECT)).isInstanceOf(IOException.class);
    }
    assertOneRefusalLine(local, client.certificate().getSubjectX500Principal().getName(),
        client.certificate().getSerialNumber(), reason);
  }

  private void assertOneRefusalLine(int clientPort, String subject, BigInteger serial, String reason) {
    String peer = "127.0.0.1:" + clientPort;
    await().atMost(Duration.ofSeconds(10)).until(() -> linesAbout(peer).size() == 1);
    ILoggingEvent line = linesAbout(peer).get(0);
    assertThat(line.getFormattedMessage())
        .contains(peer)
        .contains("client certificate " + subject + " (serial " + serial.toString(16) + ")")
        .contains(reason);
    assertThat(line.getThrowableProxy()).as("no stack trace").isNull();
  }

  private List<ILoggingEvent> linesAbout(String peer) {
    synchronized (lines) { // AppenderBase appends under this lock
      return lines.list.stream().filter(e -> e.getFormattedMessage().contains(peer)).toList();
    }
  }
}

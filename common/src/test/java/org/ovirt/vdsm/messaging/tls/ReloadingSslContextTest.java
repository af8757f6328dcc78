package org.ovirt.vdsm.messaging.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.testing.JdkTlsClient;
import org.ovirt.vdsm.messaging.testing.PkiFiles;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext.Outcome;
import org.slf4j.LoggerFactory;

/**
 * Reloading the host's TLS material on a live listener (real sockets on loopback): new connections
 * get the new certificate (the serial the client sees), connections made before keep working, a
 * reload that cannot be used keeps the old material and says why in one line.
 */
class ReloadingSslContextTest {
  private static final byte[] PING = "ping\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  private final Logger logger = (Logger) LoggerFactory.getLogger(ReloadingSslContext.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private PkiFiles pki;

  static Stream<SslProvider> providers() {
    List<SslProvider> providers = new ArrayList<>(List.of(SslProvider.JDK));
    if (OpenSsl.isAvailable()) {
      providers.add(SslProvider.OPENSSL);
    }
    return providers.stream();
  }

  @BeforeEach
  void setUp() throws Exception {
    lines.start();
    logger.addAppender(lines);
    logger.setLevel(Level.INFO);
    pki = PkiFiles.create(dir);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(lines);
    logger.setLevel(null);
  }

  private List<String> logged(Level level) {
    return lines.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private BigInteger serialSeenByNewClient(int port) throws Exception {
    try (JdkTlsClient client = JdkTlsClient.connect(port, pki.engine(), pki.ca().certificate())) {
      assertThat(client.echo(PING)).isEqualTo(PING);
      return client.serverSerial();
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void newConnectionsGetTheNewCertificateAndOldOnesContinue(SslProvider provider)
      throws Exception {
    ReloadingSslContext context = ReloadingSslContext.server(TlsFiles.host(pki.layout()), provider);
    BigInteger first = pki.host().certificate().getSerialNumber();
    try (TlsLoopback server = new TlsLoopback(context);
        JdkTlsClient before =
            JdkTlsClient.connect(server.port(), pki.engine(), pki.ca().certificate())) {
      assertThat(before.serverSerial()).isEqualTo(first);
      assertThat(before.echo(PING)).isEqualTo(PING);

      KeyAndCertificate renewed = pki.newHost("host");
      pki.installHost(renewed);
      assertThat(context.reload()).isEqualTo(Outcome.RELOADED);

      BigInteger second = renewed.certificate().getSerialNumber();
      assertThat(serialSeenByNewClient(server.port())).isEqualTo(second);
      // The connection made before the reload goes on with its own session.
      assertThat(before.echo(PING)).isEqualTo(PING);
      assertThat(before.serverSerial()).isEqualTo(first);
    }
    assertThat(context.generation()).isEqualTo(1);
    assertThat(logged(Level.INFO))
        .filteredOn(l -> l.startsWith("server TLS material reloaded"))
        .singleElement()
        .asString()
        .contains("CN=host,O=test")
        .contains(pki.host().certificate().getSerialNumber().toString(16))
        .contains("valid until " + pki.host().certificate().getNotAfter().toInstant());
  }

  @Test
  void aChangeOfTheFilesIsPickedUpByTheWatcher() throws Exception {
    ReloadingSslContext context = ReloadingSslContext.server(TlsFiles.host(pki.layout()));
    try (TlsLoopback server = new TlsLoopback(context);
        TlsFilesWatcher watcher = TlsFilesWatcher.start(Duration.ofMillis(50), List.of(context))) {
      KeyAndCertificate renewed = pki.newHost("host");
      pki.installHost(renewed);
      BigInteger wanted = renewed.certificate().getSerialNumber();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> context.material().certificate().getSerialNumber().equals(wanted));
      assertThat(serialSeenByNewClient(server.port())).isEqualTo(wanted);
    }
  }

  @Test
  void anUnchangedFileSetIsNotReloaded() throws Exception {
    ReloadingSslContext context = ReloadingSslContext.server(TlsFiles.host(pki.layout()));
    assertThat(context.reloadIfChanged()).isEqualTo(Outcome.UNCHANGED);
    assertThat(context.generation()).isZero();
    // Same bytes, rewritten: the content hash is the same, but the time is not: one reload.
    pki.installHost(pki.host());
    Files.setLastModifiedTime(
        pki.layout().hostCert(),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertThat(context.reloadIfChanged()).as("settling").isEqualTo(Outcome.UNCHANGED);
    assertThat(context.reloadIfChanged()).isEqualTo(Outcome.RELOADED);
    assertThat(context.reloadIfChanged()).isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void aRenewalCaughtHalfWayIsReadWholeWithoutAWarning() throws Exception {
    ReloadingSslContext context = ReloadingSslContext.server(TlsFiles.host(pki.layout()));
    KeyAndCertificate renewed = pki.newHost("host");
    PkiFiles.replace(pki.layout().hostKey(), PkiFiles.keyPem(renewed)); // the key first...
    assertThat(context.reloadIfChanged()).isEqualTo(Outcome.UNCHANGED);
    pki.installHost(renewed); // ...then the certificate
    assertThat(context.reloadIfChanged()).isEqualTo(Outcome.UNCHANGED);
    assertThat(context.reloadIfChanged()).isEqualTo(Outcome.RELOADED);
    assertThat(context.material().certificate()).isEqualTo(renewed.certificate());
    assertThat(logged(Level.WARN)).isEmpty();
  }

  /** Each way an operator can break the files, and the words the WARN line must contain. */
  static Stream<org.junit.jupiter.params.provider.Arguments> brokenFiles() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("garbage certificate", "vdsmcert.pem"),
        org.junit.jupiter.params.provider.Arguments.of(
            "key of another certificate", "does not belong to the certificate"),
        org.junit.jupiter.params.provider.Arguments.of("missing key", "vdsmkey.pem: file not found"),
        org.junit.jupiter.params.provider.Arguments.of(
            "CRL of another CA", "not signed by a trusted CA"),
        org.junit.jupiter.params.provider.Arguments.of("expired certificate", "valid only from"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void aFailedReloadKeepsTheCurrentMaterialAndSaysWhyOnce(String breakage, String why)
      throws Exception {
    ReloadingSslContext context = ReloadingSslContext.server(TlsFiles.host(pki.layout()));
    BigInteger serial = pki.host().certificate().getSerialNumber();
    switch (breakage) {
      case "garbage certificate" ->
          PkiFiles.replace(pki.layout().hostCert(), "-----BEGIN CERTIFICATE-----\nAAAA\n");
      case "key of another certificate" ->
          PkiFiles.replace(pki.layout().hostKey(), PkiFiles.keyPem(pki.newHost("other")));
      case "missing key" -> Files.delete(pki.layout().hostKey());
      case "CRL of another CA" -> {
        CertificateAuthority other = CertificateAuthority.create("O=test,CN=test CA");
        new RevocationListBuilder(other).writeTo(pki.layout().crl());
      }
      case "expired certificate" -> {
        java.time.Instant now = java.time.Instant.now();
        pki.installHost(pki.ca().issueServer("host", PkiFiles.LOOPBACK,
            now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))));
      }
      default -> throw new IllegalArgumentException(breakage);
    }
    try (TlsLoopback server = new TlsLoopback(context)) {
      assertThat(context.reloadIfChanged()).as("settling").isEqualTo(Outcome.UNCHANGED);
      assertThat(context.reloadIfChanged()).isEqualTo(Outcome.FAILED);
      assertThat(context.material().certificate().getSerialNumber()).isEqualTo(serial);
      assertThat(serialSeenByNewClient(server.port())).isEqualTo(serial);
      // The same broken files are not tried (nor logged) again until they change.
      assertThat(context.reloadIfChanged()).isEqualTo(Outcome.UNCHANGED);
    }
    assertThat(logged(Level.WARN))
        .singleElement()
        .asString()
        .startsWith("server TLS material not reloaded after a file change, keeping certificate")
        .contains(serial.toString(16))
        .contains(why);
    assertThat(lines.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
  }

  @Test
  void anExplicitReloadRetriesWhatFailedBefore() throws Exception {
    ReloadingSslContext context = ReloadingSslContext.server(TlsFiles.host(pki.layout()));
    Files.delete(pki.layout().hostKey());
    context.reloadIfChanged(); // settling
    assertThat(context.reloadIfChanged()).isEqualTo(Outcome.FAILED);
    assertThat(context.reload()).isEqualTo(Outcome.FAILED);
    assertThat(logged(Level.WARN)).hasSize(2);
    pki.installHost(pki.newHost("host"));
    assertThat(context.reload()).isEqualTo(Outcome.RELOADED);
  }

  @Test
  void aClientContextPresentsItsNewCertificateOnTheNextConnection() throws Exception {
    ReloadingSslContext serverContext = ReloadingSslContext.server(TlsFiles.host(pki.layout()));
    ReloadingSslContext clientContext =
        ReloadingSslContext.client(TlsFiles.engine(pki.layout()), true);
    try (TlsLoopback server = new TlsLoopback(serverContext)) {
      TlsLoopback.Outcome first = server.exchange(clientContext, "localhost", PING);
      assertThat(first.succeeded()).isTrue();
      assertThat(first.clientCertificateSeenByServer().getSerialNumber())
          .isEqualTo(pki.engine().certificate().getSerialNumber());

      KeyAndCertificate renewed = pki.ca().issueClient("engine");
      pki.installEngine(renewed);
      assertThat(clientContext.reload()).isEqualTo(Outcome.RELOADED);

      TlsLoopback.Outcome second = server.exchange(clientContext, "localhost", PING);
      assertThat(second.succeeded()).isTrue();
      assertThat(second.clientCertificateSeenByServer().getSerialNumber())
          .isEqualTo(renewed.certificate().getSerialNumber());
    }
  }
}

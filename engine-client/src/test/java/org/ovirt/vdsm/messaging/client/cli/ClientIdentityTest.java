package org.ovirt.vdsm.messaging.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.internal.FakeStompPeer;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Which certificate {@code vdsm-client} presents (the engine's, else on a host the host's own, as
 * VDSM's CLI does) and the local configuration errors (exit 78, naming the file) when the PKI
 * directory cannot be used; checked through a real mutual-TLS server that records what it got.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientIdentityTest {
  @TempDir Path dir;
  private CertificateAuthority ca;
  private KeyAndCertificate host;
  private FakeStompPeer backend;
  private TlsFront front;

  @BeforeEach
  void start() throws IOException {
    ca = TestPki.ca("engine-ca");
    host = TestPki.host(ca);
    backend = new FakeStompPeer();
    backend.answerer = body -> "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":"
        + JsonParser.parseString(body).getAsJsonObject().get("id") + "}";
    PkiLayout server = TestPki.hostDir(dir.resolve("server"), ca, host);
    front = new TlsFront(server.hostKey(), server.hostCert(), server.caCert(), backend.port());
  }

  @AfterEach
  void stop() throws Exception {
    front.close();
    backend.close();
  }

  private ToolRun ping(Path pki, String... extra) {
    String[] base = {"--port", String.valueOf(front.port()), "--pki-dir", pki.toString(), "--timeout", "10"};
    String[] all = new String[base.length + extra.length + 2];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    all[all.length - 2] = "Host";
    all[all.length - 1] = "ping2";
    return ToolRun.of(all);
  }

  private static void assertConfigError(ToolRun r, String line) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONFIG);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("vdsm-client: " + line + System.lineSeparator());
  }

  @Test
  void onAHostTheHostsOwnCertificateIsPresentedAndNamedWithVerbose() throws Exception {
    PkiLayout onHost = TestPki.hostDir(dir.resolve("host-pki"), ca, host);
    java.util.Set<Path> viewsBefore = views();
    ToolRun r = ping(onHost.root(), "-v");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.errLine()).startsWith("vdsm-client: presenting the host certificate " + onHost.hostCert() + " (")
        .contains("CN=localhost").endsWith("trusting " + onHost.caCert());
    assertThat(front.clientSubjects.poll(10, TimeUnit.SECONDS)).contains("CN=localhost");
    assertThat(views()).as("the view of links is removed").isSubsetOf(viewsBefore);
  }

  private static java.util.Set<Path> views() throws IOException {
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("vdsm-client-pki")).collect(java.util.stream.Collectors.toSet());
    }
  }

  @Test
  void theEngineCertificateIsPreferredWhenPresent() throws Exception {
    PkiLayout both = TestPki.hostDir(dir.resolve("both"), ca, host);
    TestPki.write(both.engineCert(), both.engineKey(), TestPki.engine(ca));
    ToolRun r = ping(both.root(), "--verbose");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.errLine()).startsWith("vdsm-client: presenting the engine certificate " + both.engineCert());
    assertThat(front.clientSubjects.poll(10, TimeUnit.SECONDS)).contains("CN=engine");
  }

  @Test
  void withoutVerboseNothingIsSaid() throws IOException {
    PkiLayout engine = TestPki.engineDir(dir.resolve("engine"), ca);
    ToolRun r = ping(engine.root());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aMissingDirectoryIsAConfigurationError() {
    Path missing = dir.resolve("nothing-here");
    assertConfigError(ping(missing), "the PKI directory " + missing + " does not exist (give the right one with --pki-dir)");
  }

  @Test
  void aDirectoryWithoutClientCertificateIsAConfigurationError() throws IOException {
    PkiLayout onlyCa = TestPki.withCa(dir.resolve("only-ca"), ca);
    assertConfigError(ping(onlyCa.root()), "no client certificate in " + onlyCa.root()
        + ": expected certs/enginecert.pem and keys/enginekey.pem (an engine's) or certs/vdsmcert.pem and"
        + " keys/vdsmkey.pem (a host's)");
  }

  @Test
  void eachMissingFileIsNamed() throws IOException {
    PkiLayout noKey = TestPki.hostDir(dir.resolve("no-key"), ca, host);
    Files.delete(noKey.hostKey());
    assertConfigError(ping(noKey.root()), "missing " + noKey.hostKey() + " (check --pki-dir)");
    PkiLayout noCa = TestPki.engineDir(dir.resolve("no-ca"), ca);
    Files.delete(noCa.caCert());
    assertConfigError(ping(noCa.root()), "missing " + noCa.caCert() + " (check --pki-dir)");
  }

  @Test
  void anUnreadableKeyIsNamed() throws IOException {
    PkiLayout locked = TestPki.hostDir(dir.resolve("locked"), ca, host);
    Files.setPosixFilePermissions(locked.hostKey(), PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(locked.hostKey()), "running as root: every file is readable");
    assertConfigError(ping(locked.root()), "cannot read " + locked.hostKey()
        + ": permission denied (run as a user that may read it, e.g. root or vdsm)");
  }

  @Test
  void aMalformedCertificateIsNamed() throws IOException {
    PkiLayout broken = TestPki.engineDir(dir.resolve("broken"), ca);
    Files.writeString(broken.engineCert(), "not a certificate\n");
    ToolRun r = ping(broken.root());
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONFIG);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.errLine()).startsWith("vdsm-client: " + broken.engineCert() + ": ");
  }

  @Test
  void anExpiredOwnCertificateIsNamedBeforeConnecting() throws IOException {
    PkiLayout expired = TestPki.withCa(dir.resolve("expired"), ca);
    KeyAndCertificate engine = ca.issueClient("engine", KeyType.EC_P256, Duration.ofSeconds(1));
    TestPki.write(expired.engineCert(), expired.engineKey(), engine);
    Instant notAfter = engine.certificate().getNotAfter().toInstant();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> Instant.now().isAfter(notAfter.plusMillis(1_000)));
    assertConfigError(ping(expired.root()), expired.engineCert() + " expired on " + notAfter + ": renew it");
    assertThat(front.clientSubjects).isEmpty();
    assertThat(front.failures).isEmpty();
  }
}

package org.ovirt.vdsm.messaging.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * {@code vdsm-server pki}: a CA in its own directory, host and engine certificates in VDSM's
 * layout that the server accepts, renewal that keeps names and the previous files, and {@code show}.
 */
class PkiCommandTest {

  @TempDir Path dir;

  private Path ca() {
    return dir.resolve("ca");
  }

  private Path pki() {
    return dir.resolve("pki");
  }

  private Invocation ok(String... args) {
    Invocation run = Invocation.of(args);
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    return run;
  }

  private void createCaAndHost() {
    ok("pki", "create-ca", "--ca-dir", ca().toString(), "--key-type", "ec256", "--subject", "O=example.com,CN=test CA");
    ok("pki", "issue-host", "--ca-dir", ca().toString(), "--pki-dir", pki().toString(), "--key-type", "ec256",
        "--name", "host1.example.com", "--san", "10.1.2.3,host1");
  }

  @Test
  void issuesHostMaterialTheServerAcceptsWithoutTheCaKey() throws Exception {
    createCaAndHost();
    PkiLayout layout = new PkiLayout(pki());
    PkiCheck.requireHostMaterial(layout);
    assertThat(Files.exists(ca().resolve("private/cakey.pem"))).isTrue();
    assertThat(Files.exists(layout.caKey())).as("the CA key stays in the CA directory").isFalse();
    try (var files = Files.walk(pki())) {
      assertThat(files.filter(Files::isRegularFile).map(f -> pki().relativize(f).toString()).sorted().toList())
          .containsExactly("certs/cacert.pem", "certs/vdsmcert.pem", "keys/vdsmkey.pem");
    }
    X509Certificate host = Pem.readCertificate(layout.hostCert());
    assertThat(host.getSubjectX500Principal().getName()).isEqualTo("CN=host1.example.com,O=example.com");
    assertThat(PkiReport.hostNames(host)).containsExactly(
        "host1.example.com", "10.1.2.3", "host1", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(Files.readAllBytes(layout.caCert())).isEqualTo(Files.readAllBytes(ca().resolve("cacert.pem")));
  }

  @Test
  void refusesToReplaceWithoutRenewAndKeepsThePreviousFilesOnRenewal() throws Exception {
    createCaAndHost();
    PkiLayout layout = new PkiLayout(pki());
    byte[] before = Files.readAllBytes(layout.hostCert());
    Invocation again = Invocation.of("pki", "issue-host", "--ca-dir", ca().toString(), "--pki-dir", pki().toString());
    assertThat(again.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(again.errLines()).singleElement().asString().contains("add --renew to replace them");
    assertThat(Files.readAllBytes(layout.hostCert())).isEqualTo(before);

    ok("pki", "issue-host", "--ca-dir", ca().toString(), "--pki-dir", pki().toString(), "--renew", "--days", "30",
        "--key-type", "ec256");
    assertThat(Files.readAllBytes(pki().resolve("certs/vdsmcert.pem.previous"))).isEqualTo(before);
    assertThat(Files.exists(pki().resolve("keys/vdsmkey.pem.previous"))).isTrue();
    X509Certificate renewed = Pem.readCertificate(layout.hostCert());
    assertThat(renewed.getSubjectX500Principal().getName()).isEqualTo("CN=host1.example.com,O=example.com");
    assertThat(PkiReport.hostNames(renewed)).contains("host1.example.com", "10.1.2.3", "host1");
    PkiCheck.requireHostMaterial(layout);
  }

  @Test
  void refusesACaOfAnotherDirectoryAndAnExistingCa() {
    createCaAndHost();
    Path other = dir.resolve("other-ca");
    ok("pki", "create-ca", "--ca-dir", other.toString(), "--key-type", "ec256");
    Invocation wrongCa = Invocation.of("pki", "issue-engine", "--ca-dir", other.toString(), "--pki-dir", pki().toString());
    assertThat(wrongCa.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(wrongCa.errLines()).singleElement().asString().contains("holds another CA");

    Invocation existing = Invocation.of("pki", "create-ca", "--ca-dir", other.toString());
    assertThat(existing.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(existing.errLines()).singleElement().asString().contains("already holds a CA").contains("never replaced");
  }

  @Test
  void missingCaDirectoryIsOneLine() {
    Invocation run = Invocation.of("pki", "issue-host", "--ca-dir", dir.resolve("none").toString(), "--pki-dir", pki().toString());
    assertThat(run.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.errLines()).containsExactly("vdsm-server: no CA in " + dir.resolve("none")
        + " (cacert.pem and private/cakey.pem): create one with 'vdsm-server pki create-ca --ca-dir "
        + dir.resolve("none") + "' or fix --ca-dir");
  }

  @Test
  void showListsSubjectsNamesExpiryAndKeyMatches() {
    createCaAndHost();
    ok("pki", "issue-engine", "--ca-dir", ca().toString(), "--pki-dir", pki().toString(), "--key-type", "ec256");
    List<String> lines = ok("pki", "show", pki().toString(), ca().toString()).out().lines().toList();
    assertThat(lines.get(0)).isEqualTo(pki() + ":");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  certs/vdsmcert.pem: subject CN=host1.example.com,O=example.com,"
        + " issuer CN=test CA,O=example.com, SAN DNS:host1.example.com IP:10.1.2.3 DNS:host1").contains("valid until"));
    assertThat(lines).contains("  keys/vdsmkey.pem: EC key, matches its certificate",
        "  keys/enginekey.pem: EC key, matches its certificate",
        "  private/cakey.pem: EC key, matches its certificate");
  }

  @Test
  void showFlagsAMismatchedKeyAndACaKeyInAHostDirectory() throws Exception {
    createCaAndHost();
    ok("pki", "issue-engine", "--ca-dir", ca().toString(), "--pki-dir", pki().toString(), "--key-type", "ec256");
    PkiLayout layout = new PkiLayout(pki());
    Files.delete(layout.hostKey());
    Files.copy(layout.engineKey(), layout.hostKey());
    Files.copy(ca().resolve("private/cakey.pem"), layout.caKey());
    Invocation run = Invocation.of("pki", "show", pki().toString());
    assertThat(run.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.out()).contains("  keys/vdsmkey.pem: EC key, DOES NOT match its certificate")
        .contains("  keys/cakey.pem: WARNING: a CA private key in a host's directory");
  }

  @Test
  void devPkiPutsTheCaNextToThePkiDirectoryAndRunsOnce() throws Exception {
    String created = DevPkiSetup.ensure(pki(), "localhost", List.of("127.0.0.2"));
    assertThat(created).isEqualTo("created development certificates in " + pki() + " (CA in " + dir.resolve("pki-ca") + ")");
    PkiLayout layout = new PkiLayout(pki());
    assertThat(layout.hasHostMaterial()).isTrue();
    assertThat(layout.hasEngineMaterial()).isTrue();
    assertThat(Files.exists(layout.caKey())).isFalse();
    assertThat(Files.exists(dir.resolve("pki-ca/private/cakey.pem"))).isTrue();
    assertThat(DevPkiSetup.ensure(pki(), "localhost", List.of())).isNull();
    PkiCheck.requireHostMaterial(layout);
  }
}

package org.ovirt.vdsm.messaging.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ovirt.vdsm.messaging.tls.PemTest.assertMode;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevelopmentPkiTest {

  @TempDir Path dir;

  @Test
  void layoutFollowsTheVdsmConvention() {
    PkiLayout layout = new PkiLayout(Path.of("/etc/pki/vdsm"));
    assertThat(layout.caCert()).isEqualTo(Path.of("/etc/pki/vdsm/certs/cacert.pem"));
    assertThat(layout.hostCert()).isEqualTo(Path.of("/etc/pki/vdsm/certs/vdsmcert.pem"));
    assertThat(layout.hostKey()).isEqualTo(Path.of("/etc/pki/vdsm/keys/vdsmkey.pem"));
    assertThat(layout.engineCert()).isEqualTo(Path.of("/etc/pki/vdsm/certs/enginecert.pem"));
    assertThat(layout.engineKey()).isEqualTo(Path.of("/etc/pki/vdsm/keys/enginekey.pem"));
    assertThat(layout.caKey()).isEqualTo(Path.of("/etc/pki/vdsm/keys/cakey.pem"));
  }

  @Test
  void generatesEveryFileWithKeysPrivate() throws Exception {
    Path root = dir.resolve("pki");
    PkiLayout layout =
        DevelopmentPki.generate(root, "host1.example.com", List.of("192.0.2.1"), KeyType.EC_P256);

    assertThat(layout.root()).isEqualTo(root);
    assertThat(layout.hasHostMaterial()).isTrue();
    assertThat(layout.hasEngineMaterial()).isTrue();
    for (Path key : List.of(layout.hostKey(), layout.engineKey(), layout.caKey())) {
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
      assertMode(key, "rw-------");
    }
    assertMode(root.resolve("keys"), "rwx------");
    for (Path cert : List.of(layout.caCert(), layout.hostCert(), layout.engineCert())) {
      assertMode(cert, "rw-r--r--");
    }
    try (var files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()))
          .containsExactlyInAnyOrder(
              "certs/cacert.pem",
              "certs/vdsmcert.pem",
              "certs/enginecert.pem",
              "keys/cakey.pem",
              "keys/vdsmkey.pem",
              "keys/enginekey.pem");
    }
  }

  @Test
  void hostAndEngineCertificatesAreSignedByTheCa() throws Exception {
    PkiLayout layout =
        DevelopmentPki.generate(
            dir, "host1.example.com", List.of("192.0.2.1", "host1"), KeyType.EC_P256);
    X509Certificate ca = Pem.readCertificate(layout.caCert());
    X509Certificate host = Pem.readCertificate(layout.hostCert());
    X509Certificate engine = Pem.readCertificate(layout.engineCert());

    CertificateAuthorityTest.verifyPath(host, ca);
    CertificateAuthorityTest.verifyPath(engine, ca);
    assertThat(host.getSubjectX500Principal().getName())
        .isEqualTo("CN=host1.example.com,O=" + DevelopmentPki.ORGANIZATION);
    assertThat(engine.getSubjectX500Principal().getName())
        .isEqualTo("CN=engine,O=" + DevelopmentPki.ORGANIZATION);
    assertThat(host.getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactly(
            "host1.example.com", "192.0.2.1", "host1", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(host.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(engine.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(
            CertificateSigning.keyMatchesCertificate(Pem.readPrivateKey(layout.hostKey()), host))
        .isTrue();
    assertThat(
            CertificateSigning.keyMatchesCertificate(
                Pem.readPrivateKey(layout.engineKey()), engine))
        .isTrue();
  }

  @Test
  void generateRefusesToOverwriteAnything() throws Exception {
    Path cert = Files.createDirectories(dir.resolve("certs")).resolve("enginecert.pem");
    Files.writeString(cert, "mine");

    assertThatThrownBy(() -> DevelopmentPki.generate(dir, "h", List.of(), KeyType.EC_P256))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(cert)).isEqualTo("mine");
    assertThat(Files.exists(new PkiLayout(dir).caCert())).isFalse();
  }

  @Test
  void ensureGeneratesOnceAndNeverOverwrites() throws Exception {
    PkiLayout layout = new PkiLayout(dir);
    assertThat(DevelopmentPki.ensure(dir, "h", List.of(), KeyType.EC_P256)).isTrue();
    String hostCert = Files.readString(layout.hostCert());
    String hostKey = Files.readString(layout.hostKey());

    assertThat(DevelopmentPki.ensure(dir, "other", List.of(), KeyType.EC_P256)).isFalse();
    assertThat(Files.readString(layout.hostCert())).isEqualTo(hostCert);
    assertThat(Files.readString(layout.hostKey())).isEqualTo(hostKey);
  }

  @Test
  void ensureIssuesFromAnExistingCa() throws Exception {
    PkiLayout layout = new PkiLayout(dir);
    CertificateAuthority ca =
        CertificateAuthority.create(
            "O=site,CN=site CA", KeyType.EC_P256, CertificateAuthority.DEFAULT_CA_VALIDITY);
    ca.writeTo(layout.caCert(), layout.caKey());

    assertThat(DevelopmentPki.ensure(dir, "h", List.of(), KeyType.EC_P256)).isTrue();
    assertThat(Pem.readCertificate(layout.caCert())).isEqualTo(ca.certificate());
    X509Certificate host = Pem.readCertificate(layout.hostCert());
    CertificateAuthorityTest.verifyPath(host, ca.certificate());
    assertThat(host.getSubjectX500Principal().getName()).isEqualTo("CN=h,O=site");
    assertThat(layout.hasEngineMaterial()).isTrue();
  }

  @Test
  void ensureRefusesACaCertificateWithoutItsKey() throws Exception {
    PkiLayout layout = new PkiLayout(dir);
    CertificateAuthority ca =
        CertificateAuthority.create(
            "O=site,CN=site CA", KeyType.EC_P256, CertificateAuthority.DEFAULT_CA_VALIDITY);
    Pem.writeCertificate(layout.caCert(), ca.certificate());

    assertThatThrownBy(() -> DevelopmentPki.ensure(dir, "h", List.of(), KeyType.EC_P256))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(layout.caKey().toString());
    assertThat(Pem.readCertificate(layout.caCert())).isEqualTo(ca.certificate());
    assertThat(Files.exists(layout.hostCert())).isFalse();
  }

  @Test
  void ensureRefusesPartialHostMaterial() throws Exception {
    PkiLayout layout = new PkiLayout(dir);
    Files.createDirectories(layout.hostKey().getParent());
    Files.writeString(layout.hostKey(), "half");

    assertThatThrownBy(() -> DevelopmentPki.ensure(dir, "h", List.of(), KeyType.EC_P256))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refusing to overwrite");
    assertThat(Files.readString(layout.hostKey())).isEqualTo("half");
  }
}

package org.ovirt.vdsm.messaging.client.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/** PKI files for the tool's tests, written in VDSM's layout with the project's CA (EC keys, fast). */
final class TestPki {
  private TestPki() {}

  static CertificateAuthority ca(String name) {
    return CertificateAuthority.create("O=test,CN=" + name, KeyType.EC_P256, Duration.ofDays(2));
  }

  /** A host certificate naming localhost and 127.0.0.1. */
  static KeyAndCertificate host(CertificateAuthority ca) {
    return ca.issueServer("localhost", List.of("localhost", "127.0.0.1"), KeyType.EC_P256, Duration.ofDays(1));
  }

  static KeyAndCertificate engine(CertificateAuthority ca) {
    return ca.issueClient("engine", KeyType.EC_P256, Duration.ofDays(1));
  }

  /** {@code certs/cacert.pem} of {@code ca} in {@code dir}. */
  static PkiLayout withCa(Path dir, CertificateAuthority ca) throws IOException {
    PkiLayout layout = new PkiLayout(dir);
    Files.createDirectories(dir.resolve("certs"));
    Files.createDirectories(dir.resolve("keys"));
    Pem.writeCertificate(layout.caCert(), ca.certificate());
    return layout;
  }

  static void write(Path cert, Path key, KeyAndCertificate material) throws IOException {
    Pem.writeCertificate(cert, material.certificate());
    Pem.writePrivateKey(key, material.privateKey());
  }

  /** A directory with the CA, an engine certificate and key. */
  static PkiLayout engineDir(Path dir, CertificateAuthority ca) throws IOException {
    PkiLayout layout = withCa(dir, ca);
    write(layout.engineCert(), layout.engineKey(), engine(ca));
    return layout;
  }

  /** A directory as on a host: the CA, the host's certificate and key, nothing else. */
  static PkiLayout hostDir(Path dir, CertificateAuthority ca, KeyAndCertificate host) throws IOException {
    PkiLayout layout = withCa(dir, ca);
    write(layout.hostCert(), layout.hostKey(), host);
    return layout;
  }
}

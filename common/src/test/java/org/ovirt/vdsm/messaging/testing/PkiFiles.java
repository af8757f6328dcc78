package org.ovirt.vdsm.messaging.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.RevocationListBuilder;

/**
 * A PKI directory in VDSM's layout made at test time by a CA of its own, whose files can be
 * replaced the way an operator renews them (each file written whole, then renamed into place), and
 * certificates issued with any validity window: expired, not yet valid, revoked.
 */
public final class PkiFiles {
  /** The names and addresses every host certificate here lists. */
  public static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

  private final CertificateAuthority ca;
  private final PkiLayout layout;
  private volatile KeyAndCertificate host;
  private volatile KeyAndCertificate engine;

  private PkiFiles(CertificateAuthority ca, PkiLayout layout) {
    this.ca = ca;
    this.layout = layout;
  }

  /** A new CA and, in {@code dir}, its certificate, a host's and an engine's, each with its key. */
  public static PkiFiles create(Path dir) throws IOException {
    requireNonNull(dir, "dir");
    CertificateAuthority ca = CertificateAuthority.create("O=test,CN=test CA");
    PkiFiles files = new PkiFiles(ca, new PkiLayout(dir));
    files.replace(files.layout.caCert(), Pem.encodeCertificates(List.of(ca.certificate())));
    files.installHost(ca.issueServer("host", LOOPBACK));
    files.installEngine(ca.issueClient("engine"));
    return files;
  }

  /** The CA. */
  public CertificateAuthority ca() {
    return ca;
  }

  /** The directory. */
  public PkiLayout layout() {
    return layout;
  }

  /** The host's certificate and key last installed. */
  public KeyAndCertificate host() {
    return host;
  }

  /** The engine's certificate and key last installed. */
  public KeyAndCertificate engine() {
    return engine;
  }

  /** A host certificate of this CA for the loopback names, valid from now for a year. */
  public KeyAndCertificate newHost(String commonName) {
    return ca.issueServer(commonName, LOOPBACK);
  }

  /** A client certificate of this CA valid only from {@code notBefore} to {@code notAfter}. */
  public KeyAndCertificate client(String commonName, Instant notBefore, Instant notAfter) {
    return ca.issueClient(commonName, notBefore, notAfter);
  }

  /** A client certificate of this CA that expired a day ago. */
  public KeyAndCertificate expiredClient(String commonName) {
    Instant now = Instant.now();
    return client(commonName, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
  }

  /** A client certificate of this CA valid only from tomorrow. */
  public KeyAndCertificate futureClient(String commonName) {
    Instant now = Instant.now();
    return client(commonName, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
  }

  /** Installs {@code issued} as the host's certificate and key (key first, as renewals do). */
  public void installHost(KeyAndCertificate issued) throws IOException {
    replace(layout.hostKey(), keyPem(issued));
    replace(layout.hostCert(), Pem.encodeCertificates(List.of(issued.certificate())));
    host = issued;
  }

  /** Installs {@code issued} as the engine's certificate and key. */
  public void installEngine(KeyAndCertificate issued) throws IOException {
    replace(layout.engineKey(), keyPem(issued));
    replace(layout.engineCert(), Pem.encodeCertificates(List.of(issued.certificate())));
    engine = issued;
  }

  /** Writes the CA's CRL ({@code certs/cacrl.pem}) revoking {@code revoked}. */
  public void revoke(X509Certificate... revoked) throws IOException {
    RevocationListBuilder builder = new RevocationListBuilder(ca);
    for (X509Certificate c : revoked) {
      builder.revoke(c);
    }
    builder.writeTo(layout.crl());
  }

  /** Replaces {@code file} with {@code content} atomically (written whole, then renamed). */
  public static void replace(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), ".replace.", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, content, StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code issued}'s private key as PKCS#8 PEM. */
  public static String keyPem(KeyAndCertificate issued) {
    try {
      Path dir = Files.createTempDirectory("key");
      Path file = dir.resolve("key.pem");
      try {
        Pem.writePrivateKey(file, issued.privateKey());
        return Files.readString(file, StandardCharsets.US_ASCII);
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

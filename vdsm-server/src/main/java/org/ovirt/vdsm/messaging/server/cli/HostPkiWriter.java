package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PemException;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Installs issued material into a PKI directory in VDSM's layout: a certificate and key pair
 * ({@code certs/vdsmcert.pem} + {@code keys/vdsmkey.pem}, or the engine's), and the CA certificate
 * ({@code certs/cacert.pem}). Existing files are replaced only on renewal, and then the previous
 * ones are kept as {@code *.pem.previous}.
 */
final class HostPkiWriter {
  private HostPkiWriter() {}

  /**
   * Writes {@code issued} as {@code certFile} and {@code keyFile}.
   *
   * @param renew whether existing files may be replaced
   * @throws StartupFailure when the files exist and {@code renew} is false, or cannot be written
   */
  static void install(KeyAndCertificate issued, Path certFile, Path keyFile, boolean renew) throws StartupFailure {
    requireNonNull(issued, "issued");
    boolean exists = Files.exists(certFile) || Files.exists(keyFile);
    if (exists && !renew) {
      throw new StartupFailure(ExitCodes.CONFIG,
          certFile + " or " + keyFile + " already exists: add --renew to replace them (the old ones are kept as *.previous)");
    }
    Path newCert = sibling(certFile, ".new");
    Path newKey = sibling(keyFile, ".new");
    try {
      Files.deleteIfExists(newCert);
      Files.deleteIfExists(newKey);
      Pem.writePrivateKey(newKey, issued.privateKey());
      Pem.writeCertificate(newCert, issued.certificate());
      if (exists) {
        keepPrevious(certFile);
        keepPrevious(keyFile);
      }
      Files.move(newKey, keyFile, StandardCopyOption.ATOMIC_MOVE);
      Files.move(newCert, certFile, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StartupFailure(ExitCodes.CONFIG, "cannot write " + certFile + " and " + keyFile + ": " + e.getMessage());
    }
  }

  /**
   * Makes {@code layout.caCert()} hold {@code ca}: written when missing, kept when it is the same
   * certificate.
   *
   * @param renew whether another CA certificate may be replaced (the old one kept as {@code
   *     *.previous})
   */
  static void installCa(X509Certificate ca, PkiLayout layout, boolean renew) throws StartupFailure {
    Path file = layout.caCert();
    try {
      if (Files.exists(file)) {
        List<X509Certificate> present = Pem.readCertificates(file);
        if (Arrays.equals(present.get(0).getEncoded(), ca.getEncoded())) {
          return;
        }
        if (!renew) {
          throw new StartupFailure(ExitCodes.CONFIG,
              file + " holds another CA (" + present.get(0).getSubjectX500Principal().getName()
                  + "): add --renew to replace it, or use the CA that issued this directory's certificates");
        }
        keepPrevious(file);
      }
      Pem.writeCertificate(file, ca);
    } catch (PemException e) {
      throw new StartupFailure(ExitCodes.CONFIG, e.getMessage() + "; remove or fix it");
    } catch (IOException | CertificateEncodingException e) {
      throw new StartupFailure(ExitCodes.CONFIG, "cannot write " + file + ": " + e.getMessage());
    }
  }

  private static void keepPrevious(Path file) throws IOException {
    if (Files.exists(file)) {
      Files.move(file, sibling(file, ".previous"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }
}

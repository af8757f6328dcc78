package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PemException;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.RevocationList;
import org.ovirt.vdsm.messaging.tls.TlsContexts;

/**
 * Checks, before the server starts, that a PKI directory holds usable host material: the CA
 * certificate, the host certificate (currently valid) and the host key that belongs to it. Each
 * problem becomes one {@link StartupFailure} line naming the file and what to do.
 */
public final class PkiCheck {
  private PkiCheck() {}

  /**
   * @throws StartupFailure with {@link ExitCodes#CONFIG} when a file is missing, unreadable,
   *     malformed, expired, or the key does not match the certificate
   */
  public static void requireHostMaterial(PkiLayout pki) throws StartupFailure {
    requireNonNull(pki, "pki");
    List<String> missing = new ArrayList<>();
    for (Path file : List.of(pki.caCert(), pki.hostCert(), pki.hostKey())) {
      if (!Files.isRegularFile(file)) {
        missing.add(pki.root().relativize(file).toString());
      }
    }
    if (missing.size() == 3) {
      throw new StartupFailure(ExitCodes.CONFIG,
          "no host certificate in " + pki.root() + " (certs/cacert.pem, certs/vdsmcert.pem, keys/vdsmkey.pem):"
              + " install the host's certificate and key and the engine CA there, or issue them with"
              + " 'vdsm-server pki issue-host --ca-dir CA_DIR --pki-dir " + pki.root() + "'");
    }
    if (!missing.isEmpty()) {
      throw new StartupFailure(ExitCodes.CONFIG,
          pki.root() + " lacks " + String.join(" and ", missing)
              + ": install the missing file(s), or re-issue with 'vdsm-server pki issue-host --renew'");
    }
    try {
      X509Certificate host = Pem.readCertificate(pki.hostCert());
      host.checkValidity();
      TlsContexts.server(pki);
    } catch (CertificateExpiredException e) {
      throw new StartupFailure(ExitCodes.CONFIG,
          pki.hostCert() + ": the host certificate has expired; renew it"
              + " ('vdsm-server pki issue-host --renew', or from the engine)");
    } catch (CertificateNotYetValidException e) {
      throw new StartupFailure(ExitCodes.CONFIG,
          pki.hostCert() + ": the host certificate is not valid yet; check the clock of this host");
    } catch (PemException e) {
      throw new StartupFailure(ExitCodes.CONFIG,
          withoutClassNames(e.getMessage()) + "; replace the file ('vdsm-server pki show " + pki.root() + "' lists what is there)");
    } catch (IOException | RuntimeException e) {
      throw new StartupFailure(ExitCodes.CONFIG,
          "cannot use the TLS material in " + pki.root() + ": " + e.getMessage());
    }
  }

  /**
   * Checks the CRL the server will use: {@code crl} when given (it must exist), else the PKI
   * directory's {@code certs/cacrl.pem} when it exists; the list must parse and be signed by the CA.
   *
   * @throws StartupFailure with {@link ExitCodes#CONFIG} naming the file and the problem
   */
  public static void requireUsableCrl(PkiLayout pki, Path crl) throws StartupFailure {
    requireNonNull(pki, "pki");
    Path file = crl != null ? crl : pki.crl();
    if (crl == null && !Files.exists(file)) {
      return;
    }
    try {
      RevocationList.load(file, Pem.readCertificates(pki.caCert()));
    } catch (PemException e) {
      throw new StartupFailure(ExitCodes.CONFIG,
          withoutClassNames(e.getMessage()) + "; install the CA's current CRL there"
              + (crl != null ? ", or drop --crl" : ", or remove the file"));
    }
  }

  /** Drops Java class names ({@code java.lang.IllegalArgumentException: }) from a message. */
  static String withoutClassNames(String message) {
    return message.replaceAll("(?:[a-z]\\w*\\.)+\\w*(?:Exception|Error): ", "");
  }
}

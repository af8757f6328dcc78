package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A private key and the certificate issued for it. {@link #toString()} never shows the key.
 *
 * @param privateKey the private key
 * @param certificate the certificate of its public key
 */
public record KeyAndCertificate(PrivateKey privateKey, X509Certificate certificate) {

  /** Requires both parts. */
  public KeyAndCertificate {
    requireNonNull(privateKey, "privateKey");
    requireNonNull(certificate, "certificate");
  }

  /** The subject, serial number and key algorithm; never the key itself. */
  @Override
  public String toString() {
    return "KeyAndCertificate[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", serial="
        + certificate.getSerialNumber().toString(16)
        + ", key="
        + privateKey.getAlgorithm()
        + " (hidden)]";
  }
}

package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The VDSM certificate file layout below a PKI directory (VDSM uses {@code /etc/pki/vdsm}): {@code
 * certs/cacert.pem} (the engine CA), {@code certs/vdsmcert.pem} and {@code keys/vdsmkey.pem} (the
 * host), and for development setups {@code certs/enginecert.pem} and {@code keys/enginekey.pem}
 * (the engine's client certificate) plus {@code keys/cakey.pem} (the CA key, so that more
 * certificates can be issued later), and optionally {@code certs/cacrl.pem} (the CA's revocation
 * list). Private keys are unencrypted PKCS#8 PEM, mode 0600.
 *
 * @param root the PKI directory
 */
public record PkiLayout(Path root) {

  /** Requires a non-null root. */
  public PkiLayout {
    requireNonNull(root, "root");
  }

  /** {@code certs/cacert.pem}: the engine CA certificate, the only trust anchor of both sides. */
  public Path caCert() {
    return root.resolve("certs").resolve("cacert.pem");
  }

  /**
   * {@code keys/cakey.pem}: the CA's private key. Present only in development directories made by
   * {@link DevelopmentPki}; production hosts never hold it.
   */
  public Path caKey() {
    return root.resolve("keys").resolve("cakey.pem");
  }

  /**
   * {@code certs/cacrl.pem}: the CA's certificate revocation list (PEM or DER), optional. VDSM keeps
   * no CRL of its own; the name follows the {@code cacert.pem} / {@code cacrl.pem} pair of libvirt's
   * PKI layout. When present, both ends refuse peers whose certificate it lists.
   */
  public Path crl() {
    return root.resolve("certs").resolve("cacrl.pem");
  }

  /** {@code certs/vdsmcert.pem}: the host's certificate, signed by the CA. */
  public Path hostCert() {
    return root.resolve("certs").resolve("vdsmcert.pem");
  }

  /** {@code keys/vdsmkey.pem}: the host's private key. */
  public Path hostKey() {
    return root.resolve("keys").resolve("vdsmkey.pem");
  }

  /** {@code certs/enginecert.pem}: the engine's client certificate, signed by the CA. */
  public Path engineCert() {
    return root.resolve("certs").resolve("enginecert.pem");
  }

  /** {@code keys/enginekey.pem}: the engine's private key. */
  public Path engineKey() {
    return root.resolve("keys").resolve("enginekey.pem");
  }

  /**
   * Whether the CA certificate, the host certificate and the host key all exist as regular files.
   */
  public boolean hasHostMaterial() {
    return allExist(caCert(), hostCert(), hostKey());
  }

  /**
   * Whether the CA certificate, the engine certificate and the engine key all exist as regular
   * files.
   */
  public boolean hasEngineMaterial() {
    return allExist(caCert(), engineCert(), engineKey());
  }

  private static boolean allExist(Path... files) {
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        return false;
      }
    }
    return true;
  }
}

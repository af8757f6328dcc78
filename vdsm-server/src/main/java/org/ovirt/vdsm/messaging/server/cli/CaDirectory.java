package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PemException;

/**
 * A certificate authority kept in a directory of its own, never in a host's PKI directory: {@code
 * cacert.pem} (the certificate to distribute) and {@code private/cakey.pem} (its key, mode 0600 in
 * a 0700 directory).
 *
 * @param root the CA directory
 */
public record CaDirectory(Path root) {

  /** Requires a non-null root. */
  public CaDirectory {
    requireNonNull(root, "root");
  }

  /** {@code cacert.pem}. */
  public Path certificate() {
    return root.resolve("cacert.pem");
  }

  /** {@code private/cakey.pem}. */
  public Path key() {
    return root.resolve("private").resolve("cakey.pem");
  }

  /** Whether the certificate or the key exists. */
  public boolean exists() {
    return Files.exists(certificate()) || Files.exists(key());
  }

  /**
   * Creates a new CA here.
   *
   * @param subject the CA's subject in encoding order, e.g. {@code O=example.com,CN=oVirt CA}
   * @throws StartupFailure when the directory already holds a CA (it is never replaced) or the
   *     files cannot be written
   */
  public CertificateAuthority create(String subject, KeyType keyType, Duration validity) throws StartupFailure {
    if (exists()) {
      throw new StartupFailure(ExitCodes.CONFIG,
          root + " already holds a CA (" + certificate() + "); it is never replaced: use it, or choose another --ca-dir");
    }
    CertificateAuthority ca;
    try {
      ca = CertificateAuthority.create(subject, keyType, validity);
    } catch (IllegalArgumentException e) {
      throw new StartupFailure(ExitCodes.USAGE, "--subject '" + subject + "': " + e.getMessage());
    }
    try {
      Files.createDirectories(root);
      ca.writeTo(certificate(), key());
    } catch (IOException e) {
      throw new StartupFailure(ExitCodes.CONFIG, "cannot write the CA into " + root + ": " + e.getMessage());
    }
    return ca;
  }

  /**
   * Loads the CA kept here.
   *
   * @throws StartupFailure when it is missing, unreadable or its key does not match
   */
  public CertificateAuthority load() throws StartupFailure {
    if (!Files.isRegularFile(certificate()) || !Files.isRegularFile(key())) {
      throw new StartupFailure(ExitCodes.CONFIG,
          "no CA in " + root + " (cacert.pem and private/cakey.pem): create one with"
              + " 'vdsm-server pki create-ca --ca-dir " + root + "' or fix --ca-dir");
    }
    try {
      return CertificateAuthority.load(certificate(), key());
    } catch (PemException e) {
      throw new StartupFailure(ExitCodes.CONFIG, e.getMessage());
    } catch (IOException e) {
      throw new StartupFailure(ExitCodes.CONFIG, "cannot load the CA in " + root + ": " + e.getMessage());
    }
  }
}

package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PemException;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The certificate {@code vdsm-client} presents, chosen from a PKI directory in VDSM's layout: the
 * engine's ({@code certs/enginecert.pem}, {@code keys/enginekey.pem}) when it is there, otherwise
 * the host's own ({@code certs/vdsmcert.pem}, {@code keys/vdsmkey.pem}), as VDSM's own CLI does on a
 * host, where only those and {@code certs/cacert.pem} exist. Every file is checked before a
 * connection is tried: a missing, unreadable, malformed or expired one is a local configuration
 * error ({@link ExitCodes#CONFIG}) naming the file.
 *
 * @param kind "engine" or "host"
 * @param certificateFile the client certificate
 * @param keyFile its private key
 * @param caFile the CA the host's certificate must chain to
 * @param certificate the parsed client certificate
 */
record ClientIdentity(String kind, Path certificateFile, Path keyFile, Path caFile, X509Certificate certificate) {
  ClientIdentity {
    requireNonNull(kind, "kind");
    requireNonNull(certificateFile, "certificateFile");
    requireNonNull(keyFile, "keyFile");
    requireNonNull(caFile, "caFile");
    requireNonNull(certificate, "certificate");
  }

  /** Chooses and checks the identity in {@code pkiDir}. */
  static ClientIdentity choose(Path pkiDir, Instant now) throws CliException {
    requireNonNull(pkiDir, "pkiDir");
    PkiLayout layout = new PkiLayout(pkiDir);
    if (!Files.isDirectory(pkiDir)) {
      throw config("the PKI directory " + pkiDir + " does not exist (give the right one with --pki-dir)");
    }
    boolean engine = Files.exists(layout.engineCert()) || Files.exists(layout.engineKey());
    boolean host = Files.exists(layout.hostCert()) || Files.exists(layout.hostKey());
    if (!engine && !host) {
      throw config("no client certificate in " + pkiDir + ": expected certs/enginecert.pem and keys/enginekey.pem"
          + " (an engine's) or certs/vdsmcert.pem and keys/vdsmkey.pem (a host's)");
    }
    Path cert = engine ? layout.engineCert() : layout.hostCert();
    Path key = engine ? layout.engineKey() : layout.hostKey();
    for (Path file : new Path[] {layout.caCert(), cert, key}) {
      requireReadable(file);
    }
    X509Certificate certificate = read(cert);
    read(layout.caCert());
    try {
      Pem.readPrivateKey(key);
    } catch (PemException e) {
      throw config(e.getMessage());
    }
    try {
      certificate.checkValidity(java.util.Date.from(now));
    } catch (CertificateExpiredException e) {
      throw config(cert + " expired on " + certificate.getNotAfter().toInstant() + ": renew it");
    } catch (CertificateNotYetValidException e) {
      throw config(cert + " is not valid before " + certificate.getNotBefore().toInstant() + ": check this machine's clock");
    }
    return new ClientIdentity(engine ? "engine" : "host", cert, key, layout.caCert(), certificate);
  }

  /** Whether this is the engine identity of a VDSM layout, usable as it is. */
  boolean isEngine() {
    return kind.equals("engine");
  }

  /** The {@code -v} line saying which identity is used. */
  String describe() {
    return "presenting the " + kind + " certificate " + certificateFile + " ("
        + certificate.getSubjectX500Principal().getName() + ", valid until " + certificate.getNotAfter().toInstant()
        + "), trusting " + caFile;
  }

  private static X509Certificate read(Path file) throws CliException {
    try {
      return Pem.readCertificate(file);
    } catch (PemException e) {
      throw config(e.getMessage());
    }
  }

  private static void requireReadable(Path file) throws CliException {
    if (!Files.exists(file)) {
      throw config("missing " + file + " (check --pki-dir)");
    }
    if (!Files.isRegularFile(file)) {
      throw config(file + " is not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw config("cannot read " + file + ": permission denied (run as a user that may read it, e.g. root or vdsm)");
    }
  }

  private static CliException config(String message) {
    return new CliException(ExitCodes.CONFIG, message);
  }
}

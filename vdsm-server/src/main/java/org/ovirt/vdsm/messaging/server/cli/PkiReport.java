package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.ovirt.vdsm.messaging.tls.CertificateSigning;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PemException;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * What a PKI directory (VDSM's layout) or a CA directory holds, for {@code vdsm-server pki show}:
 * each certificate's subject, issuer, subjectAltNames and expiry, whether each key belongs to its
 * certificate, and a warning for a CA key found in a host's directory.
 */
final class PkiReport {
  private PkiReport() {}

  /** One certificate on one line. */
  static String describe(X509Certificate cert) {
    requireNonNull(cert, "cert");
    Instant notAfter = cert.getNotAfter().toInstant();
    long daysLeft = Duration.between(Instant.now(), notAfter).toDays();
    String expiry = notAfter.isBefore(Instant.now())
        ? "EXPIRED on " + notAfter
        : "valid until " + notAfter + " (" + daysLeft + " days)";
    List<String> sans = subjectAltNames(cert);
    return "subject " + cert.getSubjectX500Principal().getName()
        + ", issuer " + cert.getIssuerX500Principal().getName()
        + (sans.isEmpty() ? "" : ", SAN " + String.join(" ", sans))
        + ", " + expiry;
  }

  /**
   * Prints what {@code dir} holds.
   *
   * @return whether everything found is usable (present, readable, unexpired, keys matching)
   */
  static boolean show(Path dir, PrintWriter out) {
    out.println(dir + ":");
    if (!Files.isDirectory(dir)) {
      out.println("  not a directory");
      return false;
    }
    PkiLayout layout = new PkiLayout(dir);
    CaDirectory caDir = new CaDirectory(dir);
    boolean good = true;
    int found = 0;
    for (Map.Entry<Path, Path> pair : List.of(
        Map.entry(layout.caCert(), dir.resolve("-")),
        Map.entry(layout.hostCert(), layout.hostKey()),
        Map.entry(layout.engineCert(), layout.engineKey()),
        Map.entry(caDir.certificate(), caDir.key()))) {
      Path certFile = pair.getKey();
      Path keyFile = pair.getValue();
      X509Certificate cert = null;
      if (Files.exists(certFile)) {
        found++;
        try {
          cert = Pem.readCertificate(certFile);
          out.println("  " + dir.relativize(certFile) + ": " + describe(cert));
          good &= !cert.getNotAfter().toInstant().isBefore(Instant.now());
        } catch (PemException e) {
          out.println("  " + dir.relativize(certFile) + ": UNUSABLE: " + e.getMessage());
          good = false;
        }
      }
      if (Files.exists(keyFile)) {
        found++;
        good &= showKey(dir, keyFile, cert, out);
      }
    }
    if (Files.exists(layout.caKey())) {
      found++;
      out.println("  " + dir.relativize(layout.caKey()) + ": WARNING: a CA private key in a host's directory;"
          + " move it to a CA directory off the host");
    }
    if (found == 0) {
      out.println("  no certificates or keys");
      return false;
    }
    return good;
  }

  private static boolean showKey(Path dir, Path keyFile, X509Certificate cert, PrintWriter out) {
    String name = "  " + dir.relativize(keyFile) + ": ";
    try {
      PrivateKey key = Pem.readPrivateKey(keyFile);
      if (cert == null) {
        out.println(name + key.getAlgorithm() + " key WITHOUT its certificate");
        return false;
      }
      boolean matches = keyMatches(key, cert);
      out.println(name + key.getAlgorithm() + " key, " + (matches ? "matches its certificate" : "DOES NOT match its certificate"));
      return matches;
    } catch (PemException e) {
      out.println(name + "UNUSABLE: " + e.getMessage());
      return false;
    }
  }

  private static List<String> subjectAltNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> entries = cert.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          int type = (Integer) entry.get(0);
          String prefix = type == 2 ? "DNS:" : type == 7 ? "IP:" : type + ":";
          names.add(prefix + entry.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      names.add("(unreadable)");
    }
    return names;
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  static boolean keyMatches(PrivateKey key, X509Certificate cert) {
    return CertificateSigning.keyMatchesCertificate(key, cert);
  }

  /** The CN of the certificate's subject, or its whole subject when it has no CN. */
  static String commonName(X509Certificate cert) {
    String subject = cert.getSubjectX500Principal().getName();
    try {
      for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return subject;
    }
    return subject;
  }

  /** The DNS names and IP addresses of the certificate's subjectAltName. */
  static List<String> hostNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    for (String san : subjectAltNames(cert)) {
      if (san.startsWith("DNS:") || san.startsWith("IP:")) {
        names.add(san.substring(san.indexOf(':') + 1));
      }
    }
    return names;
  }
}

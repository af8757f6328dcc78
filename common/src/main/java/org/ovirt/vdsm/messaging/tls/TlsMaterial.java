package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * One end's TLS material, read and checked together: the private key, the certificate chain (the
 * key belongs to its first certificate), the trusted CA certificates and the revocation list
 * (signed by one of them). {@link #toString()} never shows the key.
 */
public final class TlsMaterial {

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final List<X509Certificate> trustAnchors;
  private final RevocationList crl;
  private volatile PeerCertificateCheck peerCheck;

  /**
   * Material from memory.
   *
   * @throws IllegalArgumentException if the chain or the anchors are empty, or the key does not
   *     belong to the first certificate
   */
  public TlsMaterial(
      PrivateKey key,
      List<X509Certificate> chain,
      List<X509Certificate> trustAnchors,
      RevocationList crl) {
    this.key = requireNonNull(key, "key");
    this.chain = List.copyOf(requireNonNull(chain, "chain"));
    this.trustAnchors = List.copyOf(requireNonNull(trustAnchors, "trustAnchors"));
    this.crl = requireNonNull(crl, "crl");
    if (this.chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
    if (this.trustAnchors.isEmpty()) {
      throw new IllegalArgumentException("no trusted CA certificate");
    }
    if (!CertificateSigning.keyMatchesCertificate(key, this.chain.get(0))) {
      throw new IllegalArgumentException("the private key does not belong to the certificate");
    }
  }

  /**
   * Reads {@code files}: every file parsed, the key checked against the certificate, the CRL
   * checked against the CA.
   *
   * @throws PemException naming the file at fault
   */
  public static TlsMaterial load(TlsFiles files) throws PemException {
    requireNonNull(files, "files");
    List<X509Certificate> chain = Pem.readCertificates(files.certificate());
    PrivateKey key = Pem.readPrivateKey(files.key());
    List<X509Certificate> anchors = Pem.readCertificates(files.ca());
    if (!CertificateSigning.keyMatchesCertificate(key, chain.get(0))) {
      throw new PemException(
          files.key(), "the private key does not belong to the certificate in " + files.certificate());
    }
    RevocationList crl = RevocationList.NONE;
    if (files.crl() != null && (files.crlRequired() || Files.exists(files.crl()))) {
      crl = RevocationList.load(files.crl(), anchors);
    }
    return new TlsMaterial(key, chain, anchors, crl);
  }

  /** The private key. */
  public PrivateKey key() {
    return key;
  }

  /** The certificate chain presented, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The certificate presented (the leaf). */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The CA certificates peers must chain to. */
  public List<X509Certificate> trustAnchors() {
    return trustAnchors;
  }

  /** The revoked certificates. */
  public RevocationList crl() {
    return crl;
  }

  /** The trust manager checking peers against this material's CA and CRL (made once). */
  public PeerCertificateCheck peerCheck() {
    PeerCertificateCheck check = peerCheck;
    if (check == null) {
      check = new PeerCertificateCheck(trustAnchors, crl, Clock.systemUTC());
      peerCheck = check;
    }
    return check;
  }

  /**
   * Whether the presented certificate is outside its validity period at {@code now} (peers would
   * refuse it).
   */
  public boolean certificateInvalidAt(Instant now) {
    requireNonNull(now, "now");
    X509Certificate leaf = certificate();
    return now.isAfter(leaf.getNotAfter().toInstant())
        || now.isBefore(leaf.getNotBefore().toInstant());
  }

  /**
   * One line for the log: subject, serial, validity, CA, CRL; e.g. {@code certificate
   * CN=host1,O=oVirt (serial 3f..) valid until 2027-01-03T10:00:00Z, CA CN=ca, no CRL}.
   */
  public String describe() {
    X509Certificate leaf = certificate();
    return "certificate "
        + PeerCertificateCheck.describe(leaf)
        + " valid until "
        + leaf.getNotAfter().toInstant()
        + ", CA "
        + trustAnchors.get(0).getSubjectX500Principal().getName()
        + (trustAnchors.size() > 1 ? " (+" + (trustAnchors.size() - 1) + ")" : "")
        + ", "
        + crl.describe();
  }

  @Override
  public String toString() {
    return "TlsMaterial[" + describe() + ", key " + key.getAlgorithm() + " (hidden)]";
  }
}

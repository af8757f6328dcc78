package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertIOException;

/**
 * A certificate authority that issues the host and engine certificates of the VDSM layout: a CA
 * certificate and its private key. {@link #create} makes a new self-signed CA; {@link #load} and
 * {@link #loadIfPresent} use an existing one from PEM files.
 *
 * <p>Issued certificates have the subject {@code O=<organization>,CN=<common name>} (as oVirt's
 * {@code /O=<org>/CN=<host fqdn>}), where the organization is the {@code O} of the CA's subject; a
 * random positive 159-bit serial; a validity starting {@link #BACKDATE} in the past (clock skew
 * between engine and host) and never ending after the CA's; the authority key identifier of the CA.
 * {@link #toString()} never shows the key.
 */
public final class CertificateAuthority {

  /** Validity of a new CA when not given: 10 years. */
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);

  /**
   * Validity of an issued certificate when not given: 398 days, as oVirt issues host certificates.
   */
  public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(398);

  /** How far in the past {@code notBefore} is set, to tolerate clock skew between machines. */
  public static final Duration BACKDATE = Duration.ofHours(1);

  /** The organization used for issued subjects when the CA's subject has no {@code O}. */
  public static final String DEFAULT_ORGANIZATION = "oVirt";

  private static final SecureRandom random = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final String organization;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.organization = organizationOf(certificate);
  }

  // ---------------------------------------------------------------- construction

  /** A new self-signed CA with an RSA 2048 key, valid for {@link #DEFAULT_CA_VALIDITY}. */
  public static CertificateAuthority create(String subjectDn) {
    return create(subjectDn, KeyType.DEFAULT, DEFAULT_CA_VALIDITY);
  }

  /**
   * A new self-signed CA: basicConstraints CA:true (critical), keyUsage keyCertSign and cRLSign
   * (critical), a subject key identifier.
   *
   * <p>The components are taken in the order written, which is the order they are encoded in, most
   * significant first, as OpenSSL's {@code /O=example.com/CN=ca} is. This is the reverse of RFC
   * 4514 / {@link X500Principal#getName()}, which print the last component first: {@code
   * "O=example.com,CN=ca"} here prints as {@code "CN=ca,O=example.com"} there. Use {@link
   * #create(X500Principal, KeyType, Duration)} to avoid the ambiguity.
   *
   * @param subjectDn the subject (and issuer) in encoding order, e.g. {@code "O=example.com,CN=ca"}
   * @param keyType the CA's key type
   * @param validity how long the CA is valid from now
   * @throws IllegalArgumentException if the name is malformed or the validity not positive
   */
  public static CertificateAuthority create(String subjectDn, KeyType keyType, Duration validity) {
    requireNonNull(subjectDn, "subjectDn");
    return create(parseName(subjectDn), keyType, validity);
  }

  /**
   * A new self-signed CA named {@code subject}; as {@link #create(String, KeyType, Duration)}.
   *
   * @throws IllegalArgumentException if the name is empty or the validity not positive
   */
  public static CertificateAuthority create(
      X500Principal subject, KeyType keyType, Duration validity) {
    requireNonNull(subject, "subject");
    X500Name name = X500Name.getInstance(subject.getEncoded());
    if (name.getRDNs().length == 0) {
      throw new IllegalArgumentException("empty distinguished name");
    }
    return create(name, keyType, validity);
  }

  private static CertificateAuthority create(X500Name subject, KeyType keyType, Duration validity) {
    requireNonNull(keyType, "keyType");
    requirePositive(validity, "validity");
    KeyPair keyPair = keyType.generate(random);
    Instant now = Instant.now();
    try {
      X509Certificate certificate =
          CertificateTemplates.selfSignedCa(subject, keyPair, now.minus(BACKDATE), now.plus(validity));
      return new CertificateAuthority(certificate, keyPair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create CA certificate", e);
    }
  }

  /**
   * An existing CA from its certificate and private key.
   *
   * @throws IllegalArgumentException if the certificate is not a CA certificate or the key does not
   *     belong to it
   */
  public static CertificateAuthority of(X509Certificate certificate, PrivateKey privateKey) {
    requireNonNull(certificate, "certificate");
    requireNonNull(privateKey, "privateKey");
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(
          "not a CA certificate (no basicConstraints CA:true): "
              + certificate.getSubjectX500Principal().getName());
    }
    if (!CertificateSigning.keyMatchesCertificate(privateKey, certificate)) {
      throw new IllegalArgumentException(
          "the private key does not belong to the CA certificate "
              + certificate.getSubjectX500Principal().getName());
    }
    return new CertificateAuthority(certificate, privateKey);
  }

  /**
   * An existing CA from PEM files: the certificate (the first one of {@code certificateFile}) and
   * its private key.
   *
   * @throws PemException if a file is missing or malformed
   * @throws IllegalArgumentException as {@link #of}
   */
  public static CertificateAuthority load(Path certificateFile, Path keyFile) throws IOException {
    requireNonNull(certificateFile, "certificateFile");
    requireNonNull(keyFile, "keyFile");
    X509Certificate certificate = Pem.readCertificate(certificateFile);
    PrivateKey key = Pem.readPrivateKey(keyFile);
    try {
      return of(certificate, key);
    } catch (IllegalArgumentException e) {
      throw new PemException(keyFile, e.getMessage() + " (" + certificateFile + ")", e);
    }
  }

  /**
   * The CA of a PKI directory, when both {@link PkiLayout#caCert()} and {@link PkiLayout#caKey()}
   * exist; empty when either is missing.
   *
   * @throws PemException if the files exist but are malformed or do not belong together
   */
  public static Optional<CertificateAuthority> loadIfPresent(PkiLayout layout) throws IOException {
    requireNonNull(layout, "layout");
    if (!Files.isRegularFile(layout.caCert()) || !Files.isRegularFile(layout.caKey())) {
      return Optional.empty();
    }
    return Optional.of(load(layout.caCert(), layout.caKey()));
  }

  // ---------------------------------------------------------------- accessors

  /** The CA certificate, the trust anchor to distribute. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA's private key; keep it secret. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /**
   * The organization put in issued subjects: the CA's {@code O}, or {@link #DEFAULT_ORGANIZATION}.
   */
  public String organization() {
    return organization;
  }

  /**
   * Writes the CA certificate and key as PEM (key mode 0600).
   *
   * @throws java.nio.file.FileAlreadyExistsException if either file exists; nothing is replaced
   */
  public void writeTo(Path certificateFile, Path keyFile) throws IOException {
    requireNonNull(certificateFile, "certificateFile");
    requireNonNull(keyFile, "keyFile");
    Pem.writePrivateKey(keyFile, privateKey);
    Pem.writeCertificate(certificateFile, certificate);
  }

  // ---------------------------------------------------------------- issuing

  /**
   * Issues a host (server) certificate with an RSA 2048 key valid for {@link
   * #DEFAULT_LEAF_VALIDITY}; see {@link #issueServer(String, List, KeyType, Duration)}.
   */
  public KeyAndCertificate issueServer(String commonName, List<String> hostNamesAndAddresses) {
    return issueServer(commonName, hostNamesAndAddresses, KeyType.DEFAULT, DEFAULT_LEAF_VALIDITY);
  }

  /**
   * Issues a host certificate with a new key. subjectAltName holds a DNS entry per host name and an
   * IP entry per literal IPv4 or IPv6 address (duplicates dropped, order kept); extendedKeyUsage is
   * serverAuth and clientAuth, since VDSM uses its host certificate both ways; keyUsage (critical)
   * is digitalSignature, plus keyEncipherment for RSA keys (RFC 5480 forbids it for EC keys).
   *
   * @param commonName the subject CN, normally the host's FQDN
   * @param hostNamesAndAddresses the names and addresses clients connect to; at least one
   * @throws IllegalArgumentException if a name is blank or malformed, or the list is empty
   */
  public KeyAndCertificate issueServer(
      String commonName, List<String> hostNamesAndAddresses, KeyType keyType, Duration validity) {
    requireNonNull(commonName, "commonName");
    requireNonNull(hostNamesAndAddresses, "hostNamesAndAddresses");
    requireNonNull(keyType, "keyType");
    requirePositive(validity, "validity");
    if (hostNamesAndAddresses.isEmpty()) {
      throw new IllegalArgumentException(
          "a server certificate needs at least one host name or address");
    }
    GeneralNames subjectAltNames = SubjectAltNames.of(hostNamesAndAddresses);
    Instant now = Instant.now();
    return issue(
        commonName,
        keyType,
        now.minus(BACKDATE),
        now.plus(validity),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
        subjectAltNames);
  }

  /**
   * Issues a host certificate valid exactly from {@code notBefore} to {@code notAfter} (which may
   * lie in the past or the future: certificates that expired or are not valid yet, for tests and
   * drills); otherwise as {@link #issueServer(String, List, KeyType, Duration)}.
   *
   * @throws IllegalArgumentException if {@code notAfter} is not after {@code notBefore}
   */
  public KeyAndCertificate issueServer(
      String commonName, List<String> hostNamesAndAddresses, Instant notBefore, Instant notAfter) {
    requireNonNull(commonName, "commonName");
    requireNonNull(hostNamesAndAddresses, "hostNamesAndAddresses");
    requireWindow(notBefore, notAfter);
    if (hostNamesAndAddresses.isEmpty()) {
      throw new IllegalArgumentException(
          "a server certificate needs at least one host name or address");
    }
    return issue(
        commonName,
        KeyType.DEFAULT,
        notBefore,
        notAfter,
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
        SubjectAltNames.of(hostNamesAndAddresses));
  }

  /**
   * Issues a client certificate (the engine's) with an RSA 2048 key valid for {@link
   * #DEFAULT_LEAF_VALIDITY}; see {@link #issueClient(String, KeyType, Duration)}.
   */
  public KeyAndCertificate issueClient(String commonName) {
    return issueClient(commonName, KeyType.DEFAULT, DEFAULT_LEAF_VALIDITY);
  }

  /**
   * Issues a client certificate with a new key: extendedKeyUsage clientAuth, keyUsage as for {@link
   * #issueServer(String, List, KeyType, Duration)}, no subjectAltName.
   */
  public KeyAndCertificate issueClient(String commonName, KeyType keyType, Duration validity) {
    requireNonNull(commonName, "commonName");
    requireNonNull(keyType, "keyType");
    requirePositive(validity, "validity");
    Instant now = Instant.now();
    return issue(
        commonName,
        keyType,
        now.minus(BACKDATE),
        now.plus(validity),
        new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth},
        null);
  }

  /**
   * Issues a client certificate valid exactly from {@code notBefore} to {@code notAfter} (which may
   * lie in the past or the future); otherwise as {@link #issueClient(String, KeyType, Duration)}.
   *
   * @throws IllegalArgumentException if {@code notAfter} is not after {@code notBefore}
   */
  public KeyAndCertificate issueClient(String commonName, Instant notBefore, Instant notAfter) {
    requireNonNull(commonName, "commonName");
    requireWindow(notBefore, notAfter);
    return issue(
        commonName,
        KeyType.DEFAULT,
        notBefore,
        notAfter,
        new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth},
        null);
  }

  private KeyAndCertificate issue(
      String commonName,
      KeyType keyType,
      Instant notBefore,
      Instant notAfterWanted,
      KeyPurposeId[] purposes,
      GeneralNames subjectAltNames) {
    if (commonName.isBlank()) {
      throw new IllegalArgumentException("common name must not be blank");
    }
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, organization)
            .addRDN(BCStyle.CN, commonName)
            .build();
    KeyPair keyPair = keyType.generate(random);
    Instant notAfter = notAfterWanted;
    Instant caNotAfter = certificate.getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    try {
      X509Certificate issued =
          CertificateTemplates.leaf(
              certificate,
              privateKey,
              subject,
              keyPair.getPublic(),
              notBefore,
              notAfter,
              purposes,
              subjectAltNames);
      return new KeyAndCertificate(keyPair.getPrivate(), issued);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue certificate for " + commonName, e);
    }
  }

  private static X500Name parseName(String dn) {
    try {
      X500Name name = new X500Name(BCStyle.INSTANCE, dn);
      if (name.getRDNs().length == 0) {
        throw new IllegalArgumentException("empty distinguished name");
      }
      return name;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed distinguished name '" + dn + "'", e);
    }
  }

  private static String organizationOf(X509Certificate certificate) {
    X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] organizations = name.getRDNs(BCStyle.O);
    if (organizations.length > 0) {
      ASN1Encodable value = organizations[0].getFirst().getValue();
      if (value instanceof ASN1String string && !string.getString().isBlank()) {
        return string.getString();
      }
    }
    return DEFAULT_ORGANIZATION;
  }

  private static void requireWindow(Instant notBefore, Instant notAfter) {
    requireNonNull(notBefore, "notBefore");
    requireNonNull(notAfter, "notAfter");
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException(
          "notAfter " + notAfter + " must be after notBefore " + notBefore);
    }
  }

  private static void requirePositive(Duration duration, String name) {
    requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }

  /** The CA's subject and serial; never the key. */
  @Override
  public String toString() {
    return "CertificateAuthority[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", serial="
        + certificate.getSerialNumber().toString(16)
        + ", key="
        + privateKey.getAlgorithm()
        + " (hidden)]";
  }
}

package org.ovirt.vdsm.messaging.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The X.509 certificates the {@link CertificateAuthority} makes, field by field: a self-signed CA
 * certificate and the leaf certificates it signs, each with a random serial ({@link
 * CertificateSigning#randomSerial}) and the extensions of the VDSM layout. Validity and names are
 * the caller's, already checked.
 */
final class CertificateTemplates {
  private CertificateTemplates() {}

  /**
   * A self-signed CA certificate: basicConstraints CA:true (critical), keyUsage keyCertSign and
   * cRLSign (critical), a subject key identifier.
   */
  static X509Certificate selfSignedCa(X500Name subject, KeyPair keyPair, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException, CertIOException {
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
                subject,
                CertificateSigning.randomSerial(),
                Date.from(notBefore),
                Date.from(notAfter),
                subject,
                keyPair.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
    return sign(builder, keyPair.getPrivate());
  }

  /**
   * A leaf certificate of {@code subject} for {@code key}, signed by the CA {@code ca} with {@code
   * caKey}: basicConstraints CA:false (critical); keyUsage (critical) digitalSignature, plus
   * keyEncipherment for RSA keys (RFC 5480 forbids it for EC keys); extendedKeyUsage {@code
   * purposes}; subject and authority key identifiers; subjectAltName when {@code subjectAltNames}
   * is not {@code null}.
   */
  static X509Certificate leaf(
      X509Certificate ca,
      PrivateKey caKey,
      X500Name subject,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      KeyPurposeId[] purposes,
      GeneralNames subjectAltNames)
      throws GeneralSecurityException, CertIOException {
    int usage = KeyUsage.digitalSignature;
    if ("RSA".equals(key.getAlgorithm())) {
      usage |= KeyUsage.keyEncipherment;
    }
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
                X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                CertificateSigning.randomSerial(),
                Date.from(notBefore),
                Date.from(notAfter),
                subject,
                key)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                extensions.createSubjectKeyIdentifier(key))
            .addExtension(
                Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(ca, extensions));
    if (subjectAltNames != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames);
    }
    return sign(builder, caKey);
  }

  /** The CA's own subject key identifier when it has one, else one computed from its key. */
  private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate ca, JcaX509ExtensionUtils extensions)
      throws GeneralSecurityException {
    byte[] extension = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension != null) {
      byte[] keyId =
          SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
              .getKeyIdentifier();
      return new AuthorityKeyIdentifier(keyId);
    }
    return extensions.createAuthorityKeyIdentifier(ca.getPublicKey());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(builder.build(CertificateSigning.signer(signingKey)));
  }
}

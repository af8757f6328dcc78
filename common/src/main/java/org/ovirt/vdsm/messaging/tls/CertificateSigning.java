package org.ovirt.vdsm.messaging.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What the CA and the CRL builder share: the signature algorithm of a CA key, a content signer for
 * it, random certificate serials; and, public, the check that a private key belongs to a certificate
 * (also used by the host's {@code pki show}).
 */
public final class CertificateSigning {
  private static final SecureRandom random = new SecureRandom();

  private CertificateSigning() {}

  /** SHA-256 with the key's algorithm (RSA, ECDSA) or Ed25519. */
  static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported CA key algorithm " + key.getAlgorithm());
    };
  }

  /** A Bouncy Castle signer for {@code signingKey}. */
  static ContentSigner signer(PrivateKey signingKey) throws GeneralSecurityException {
    try {
      return new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).build(signingKey);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot create signer", e);
    }
  }

  /** A serial as RFC 5280 wants it: positive, at most 20 octets (159 random bits always fit). */
  static BigInteger randomSerial() {
    BigInteger serial;
    do {
      serial = new BigInteger(159, random);
    } while (serial.signum() == 0);
    return serial;
  }

  /**
   * Whether {@code privateKey} is the private half of the certificate's public key: a random
   * challenge signed with the one verifies with the other.
   */
  public static boolean keyMatchesCertificate(PrivateKey privateKey, X509Certificate certificate) {
    try {
      String algorithm = signatureAlgorithm(privateKey);
      byte[] challenge = new byte[32];
      random.nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}

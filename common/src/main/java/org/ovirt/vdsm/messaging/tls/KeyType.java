package org.ovirt.vdsm.messaging.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** Key pair types for generated certificates. */
public enum KeyType {
  /** RSA with a 2048-bit modulus: what oVirt uses, and the default. */
  RSA_2048,
  /** ECDSA on NIST P-256 (secp256r1): much faster to generate, handy for tests. */
  EC_P256;

  /** The default key type, {@link #RSA_2048}. */
  public static final KeyType DEFAULT = RSA_2048;

  /** Generates a fresh key pair of this type with the given source of randomness. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator;
      switch (this) {
        case RSA_2048 -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), random);
        }
        case EC_P256 -> {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        }
        default -> throw new AssertionError(this);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + this + " key pair", e);
    }
  }
}

package org.ovirt.vdsm.messaging.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

  private static CertificateAuthority ca;
  private static KeyAndCertificate ec;
  private static KeyAndCertificate rsa;

  @TempDir Path dir;

  @BeforeAll
  static void issue() {
    ca =
        CertificateAuthority.create("O=example.com,CN=pem CA", KeyType.EC_P256, Duration.ofDays(2));
    ec = ca.issueClient("ec", KeyType.EC_P256, Duration.ofDays(1));
    rsa = ca.issueClient("rsa", KeyType.RSA_2048, Duration.ofDays(1));
  }

  @Test
  void certificateRoundTrip() throws Exception {
    Path file = dir.resolve("certs/cert.pem");
    Pem.writeCertificate(file, ec.certificate());

    assertThat(Files.readString(file)).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Pem.readCertificate(file)).isEqualTo(ec.certificate());
    assertThat(Pem.readCertificates(file)).containsExactly(ec.certificate());
  }

  @Test
  void chainRoundTripKeepsOrder() throws Exception {
    Path file = dir.resolve("chain.pem");
    Pem.writeCertificates(file, List.of(ec.certificate(), ca.certificate()));

    assertThat(Pem.readCertificates(file)).containsExactly(ec.certificate(), ca.certificate());
    assertThat(Pem.readCertificate(file)).isEqualTo(ec.certificate());
  }

  @Test
  void privateKeyRoundTripIsPkcs8WithMode0600() throws Exception {
    for (KeyAndCertificate pair : List.of(ec, rsa)) {
      Path file = dir.resolve("keys/" + pair.privateKey().getAlgorithm() + ".pem");
      Pem.writePrivateKey(file, pair.privateKey());

      String text = Files.readString(file);
      assertThat(text)
          .startsWith("-----BEGIN PRIVATE KEY-----\n")
          .endsWith("-----END PRIVATE KEY-----\n");
      assertThat(Pem.readPrivateKey(file)).isEqualTo(pair.privateKey());
      assertMode(file, "rw-------");
      assertMode(file.getParent(), "rwx------");
    }
  }

  @Test
  void writingNeverReplacesAFileAndLeavesNoTemporaryFile() throws Exception {
    Path key = dir.resolve("key.pem");
    Files.writeString(key, "keep me");
    assertThatThrownBy(() -> Pem.writePrivateKey(key, ec.privateKey()))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> Pem.writeCertificate(key, ec.certificate()))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(key)).isEqualTo("keep me");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(key);
    }
  }

  @Test
  void readsPkcs1RsaKeys() throws Exception {
    Path file = writeLegacy("rsa1.pem", rsa.privateKey());
    assertThat(Files.readString(file)).contains("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Pem.readPrivateKey(file)).isEqualTo(rsa.privateKey());
  }

  @Test
  void readsSec1EcKeys() throws Exception {
    // As "openssl ecparam -genkey -name prime256v1" writes it: a parameters block, then the key
    // with its curve inside.
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.privateKey().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject("EC PARAMETERS", curve.toASN1Primitive().getEncoded()));
      writer.writeObject(
          new PemObject(
              "EC PRIVATE KEY", new ECPrivateKey(256, inner.getKey(), curve).getEncoded()));
    }
    Path file = Files.writeString(dir.resolve("ec1.pem"), out.toString());
    PrivateKey read = Pem.readPrivateKey(file);
    assertThat(read.getAlgorithm()).isEqualTo("EC");
    assertThat(CertificateSigning.keyMatchesCertificate(read, ec.certificate())).isTrue();
  }

  @Test
  void sec1KeyWithoutCurveIsMalformed() throws Exception {
    // Bouncy Castle's legacy writer leaves the curve out of a JDK key: nothing to rebuild it from.
    Path file = writeLegacy("ec-nocurve.pem", ec.privateKey());
    assertThat(Files.readString(file)).contains("-----BEGIN EC PRIVATE KEY-----");
    assertThatThrownBy(() -> Pem.readPrivateKey(file))
        .isInstanceOf(PemException.class)
        .hasMessageStartingWith(file + ": malformed EC private key");
  }

  @Test
  void readsKeyAndCertificatesFromACombinedFileWithText() throws Exception {
    Path file = dir.resolve("combined.pem");
    String text =
        "Bag Attributes: friendlyName: caf\u00e9\n"
            + Pem.encodeCertificates(List.of(ec.certificate()))
            + "some comment\n"
            + pkcs8Text(ec.privateKey())
            + Pem.encodeCertificates(List.of(ca.certificate()));
    Files.write(file, text.getBytes(StandardCharsets.UTF_8));

    assertThat(Pem.readCertificates(file)).containsExactly(ec.certificate(), ca.certificate());
    assertThat(Pem.readPrivateKey(file)).isEqualTo(ec.privateKey());
  }

  @Test
  void refusesLegacyEncryptedKeys() throws Exception {
    Path file = dir.resolve("enc-legacy.pem");
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(
          new JcaMiscPEMGenerator(
              rsa.privateKey(),
              new JcePEMEncryptorBuilder("AES-128-CBC")
                  .setProvider(new BouncyCastleProvider())
                  .build("secret".toCharArray())));
    }
    Files.writeString(file, out.toString());
    assertThat(out.toString()).contains("Proc-Type: 4,ENCRYPTED");

    assertThatThrownBy(() -> Pem.readPrivateKey(file))
        .isInstanceOf(PemException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("encrypted keys are not supported");
  }

  @Test
  void refusesPkcs8EncryptedKeys() throws Exception {
    Path file = dir.resolve("enc-pkcs8.pem");
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(
          new JcaPKCS8Generator(
              ec.privateKey(),
              new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                  .setProvider(new BouncyCastleProvider())
                  .setPassword("secret".toCharArray())
                  .build()));
    }
    Files.writeString(file, out.toString());
    assertThat(out.toString()).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");

    assertThatThrownBy(() -> Pem.readPrivateKey(file))
        .isInstanceOf(PemException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("encrypted keys are not supported");
  }

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("certs/none.pem");
    assertThatThrownBy(() -> Pem.readCertificates(file))
        .isInstanceOf(PemException.class)
        .hasMessage(file + ": file not found");
    assertThatThrownBy(() -> Pem.readPrivateKey(file))
        .isInstanceOf(PemException.class)
        .hasMessage(file + ": file not found");
  }

  @Test
  void malformedFilesAreNamed() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    Path badBase64 =
        Files.writeString(
            dir.resolve("bad.pem"),
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    Path badDer =
        Files.writeString(
            dir.resolve("der.pem"),
            "-----BEGIN CERTIFICATE-----\nAAECAwQ=\n-----END CERTIFICATE-----\n");
    Path badKey =
        Files.writeString(
            dir.resolve("key.pem"),
            "-----BEGIN PRIVATE KEY-----\nAAECAwQ=\n-----END PRIVATE KEY-----\n");
    Path unterminated =
        Files.writeString(dir.resolve("cut.pem"), "-----BEGIN CERTIFICATE-----\nAAECAwQ=\n");

    for (Path file : List.of(empty, badBase64, badDer, unterminated)) {
      assertThatThrownBy(() -> Pem.readCertificates(file))
          .isInstanceOf(PemException.class)
          .hasMessageStartingWith(file + ": ")
          .satisfies(e -> assertThat(((PemException) e).file()).isEqualTo(file));
    }
    for (Path file : List.of(empty, badBase64, badKey, unterminated)) {
      assertThatThrownBy(() -> Pem.readPrivateKey(file))
          .isInstanceOf(PemException.class)
          .hasMessageStartingWith(file + ": ");
    }
    Path certOnly = dir.resolve("cert.pem");
    Pem.writeCertificate(certOnly, ec.certificate());
    assertThatThrownBy(() -> Pem.readPrivateKey(certOnly))
        .isInstanceOf(PemException.class)
        .hasMessageContaining("no PEM private key");
  }

  private Path writeLegacy(String name, PrivateKey key) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(key);
    }
    return Files.writeString(dir.resolve(name), out.toString());
  }

  private static String pkcs8Text(PrivateKey key) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    }
    return out.toString();
  }

  static void assertMode(Path path, String mode) throws Exception {
    assumeTrue(
        Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class),
        "POSIX file system");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo(mode);
  }
}

package org.ovirt.vdsm.messaging.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateAuthorityTest {

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS = 2;
  private static final int IP = 7;

  // KeyUsage bits as java.security.cert.X509Certificate#getKeyUsage indexes them.
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_ENCIPHERMENT = 2;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  private static CertificateAuthority ca;

  @BeforeAll
  static void createCa() {
    ca =
        CertificateAuthority.create(
            "O=example.com,CN=engine CA", KeyType.EC_P256, Duration.ofDays(30));
  }

  @Test
  void caCertificateIsSelfSignedCriticalCaWithSigningUsages() throws Exception {
    X509Certificate cert = ca.certificate();
    cert.verify(cert.getPublicKey());
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getCriticalExtensionOIDs())
        .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    boolean[] usage = cert.getKeyUsage();
    assertThat(usage[KEY_CERT_SIGN]).isTrue();
    assertThat(usage[CRL_SIGN]).isTrue();
    assertThat(usage[DIGITAL_SIGNATURE]).isFalse();
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.organization()).isEqualTo("example.com");
  }

  @Test
  void serverCertificateHasSansForNamesAndAddresses() throws Exception {
    X509Certificate cert =
        ca.issueServer(
                "host1.example.com",
                List.of("host1.example.com", "host1", "192.0.2.7", "2001:db8::7", "[::1]", "HOST1"),
                KeyType.EC_P256,
                Duration.ofDays(1))
            .certificate();

    assertThat(sans(cert))
        .containsExactly(
            List.of(DNS, "host1.example.com"),
            List.of(DNS, "host1"),
            List.of(IP, "192.0.2.7"),
            List.of(IP, "2001:db8:0:0:0:0:0:7"),
            List.of(IP, "0:0:0:0:0:0:0:1"));
    assertThat(cert.getNonCriticalExtensionOIDs())
        .contains(Extension.subjectAlternativeName.getId());
  }

  @Test
  void serverCertificateIsForServerAndClientAuthentication() throws Exception {
    X509Certificate cert =
        ca.issueServer("h", List.of("h"), KeyType.EC_P256, Duration.ofDays(1)).certificate();
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
    assertThat(cert.getKeyUsage()[KEY_CERT_SIGN]).isFalse();
    assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId());
  }

  @Test
  void rsaServerCertificateHasDigitalSignatureAndKeyEncipherment() throws Exception {
    CertificateAuthority rsaCa =
        CertificateAuthority.create(
            "O=example.com,CN=rsa CA", KeyType.RSA_2048, Duration.ofDays(2));
    KeyAndCertificate issued = rsaCa.issueServer("h.example.com", List.of("h.example.com"));
    X509Certificate cert = issued.certificate();
    assertThat(cert.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
    assertThat(cert.getKeyUsage()[KEY_ENCIPHERMENT]).isTrue();
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(issued.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(cert.getPublicKey().getEncoded().length).isGreaterThan(256);
    verifyPath(cert, rsaCa.certificate());
  }

  @Test
  void ecCertificateHasNoKeyEncipherment() {
    X509Certificate cert =
        ca.issueClient("engine", KeyType.EC_P256, Duration.ofDays(1)).certificate();
    assertThat(cert.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
    assertThat(cert.getKeyUsage()[KEY_ENCIPHERMENT]).isFalse();
  }

  @Test
  void clientCertificateIsForClientAuthenticationOnly() throws Exception {
    X509Certificate cert =
        ca.issueClient("engine", KeyType.EC_P256, Duration.ofDays(1)).certificate();
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(cert.getSubjectAlternativeNames()).isNull();
  }

  @Test
  void subjectIsOrganizationThenCommonName() {
    X509Certificate cert =
        ca.issueClient("engine.example.com", KeyType.EC_P256, Duration.ofDays(1)).certificate();
    // RFC 2253 prints the last RDN first: the sequence is O, then CN, as oVirt's
    // /O=<org>/CN=<fqdn>.
    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=engine.example.com,O=example.com");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
  }

  @Test
  void leafVerifiesAgainstTheCaAndCarriesItsKeyIdentifier() throws Exception {
    X509Certificate cert =
        ca.issueServer("h", List.of("h"), KeyType.EC_P256, Duration.ofDays(1)).certificate();
    cert.verify(ca.certificate().getPublicKey());
    verifyPath(cert, ca.certificate());

    byte[] ski =
        SubjectKeyIdentifier.getInstance(
                ASN1OctetString.getInstance(
                        ca.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId()))
                    .getOctets())
            .getKeyIdentifier();
    byte[] aki =
        AuthorityKeyIdentifier.getInstance(
                ASN1OctetString.getInstance(
                        cert.getExtensionValue(Extension.authorityKeyIdentifier.getId()))
                    .getOctets())
            .getKeyIdentifier();
    assertThat(aki).isEqualTo(ski);
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
  }

  @Test
  void leafDoesNotVerifyAgainstAnotherCa() {
    CertificateAuthority other =
        CertificateAuthority.create(
            "O=example.com,CN=engine CA", KeyType.EC_P256, Duration.ofDays(1));
    X509Certificate cert =
        other.issueClient("engine", KeyType.EC_P256, Duration.ofDays(1)).certificate();
    assertThatThrownBy(() -> verifyPath(cert, ca.certificate()))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void serialIsRandomAndPositiveAndNotBeforeIsInThePast() {
    Instant now = Instant.now();
    List<BigInteger> serials = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      X509Certificate cert =
          ca.issueClient("c" + i, KeyType.EC_P256, Duration.ofDays(1)).certificate();
      assertThat(cert.getSerialNumber().signum()).isPositive();
      assertThat(cert.getSerialNumber().bitLength()).isLessThanOrEqualTo(159);
      assertThat(cert.getNotBefore().toInstant()).isBefore(now.minus(Duration.ofMinutes(30)));
      serials.add(cert.getSerialNumber());
    }
    assertThat(Set.copyOf(serials)).hasSize(5);
  }

  @Test
  void leafNeverOutlivesItsCa() {
    X509Certificate cert =
        ca.issueClient("c", KeyType.EC_P256, Duration.ofDays(3650)).certificate();
    assertThat(cert.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"", " ", "host name", "host/name", "é.example", "*", "a*.example.com"})
  void rejectsMalformedHostNames(String name) {
    assertThatThrownBy(
            () -> ca.issueServer("h", List.of(name), KeyType.EC_P256, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsInvalidArguments() {
    assertThatThrownBy(() -> ca.issueServer("h", List.of(), KeyType.EC_P256, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issueClient(" ", KeyType.EC_P256, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issueClient("c", KeyType.EC_P256, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> CertificateAuthority.create("not a dn", KeyType.EC_P256, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issueClient(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("commonName");
  }

  @Test
  void ofRejectsLeafCertificatesAndForeignKeys() {
    KeyAndCertificate leaf = ca.issueClient("c", KeyType.EC_P256, Duration.ofDays(1));
    assertThatThrownBy(() -> CertificateAuthority.of(leaf.certificate(), leaf.privateKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a CA");
    assertThatThrownBy(() -> CertificateAuthority.of(ca.certificate(), leaf.privateKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void loadsAnExistingCaAndIssuesFromIt(@TempDir Path dir) throws Exception {
    PkiLayout layout = new PkiLayout(dir);
    assertThat(CertificateAuthority.loadIfPresent(layout)).isEmpty();
    ca.writeTo(layout.caCert(), layout.caKey());

    CertificateAuthority loaded = CertificateAuthority.loadIfPresent(layout).orElseThrow();
    assertThat(loaded.certificate()).isEqualTo(ca.certificate());
    assertThat(loaded.organization()).isEqualTo("example.com");
    verifyPath(
        loaded.issueClient("c", KeyType.EC_P256, Duration.ofDays(1)).certificate(),
        ca.certificate());
  }

  @Test
  void toStringNeverShowsTheKey() {
    KeyAndCertificate leaf = ca.issueClient("c", KeyType.EC_P256, Duration.ofDays(1));
    assertThat(ca.toString())
        .contains("engine CA")
        .contains("hidden")
        .doesNotContain(secretOf(ca.privateKey()));
    assertThat(leaf.toString())
        .contains("CN=c")
        .contains("hidden")
        .doesNotContain(secretOf(leaf.privateKey()));
  }

  private static String secretOf(java.security.PrivateKey key) {
    return ((java.security.interfaces.ECPrivateKey) key).getS().toString(16);
  }

  private static List<List<?>> sans(X509Certificate cert) throws Exception {
    Collection<List<?>> names = cert.getSubjectAlternativeNames();
    return new ArrayList<>(names);
  }

  static void verifyPath(X509Certificate leaf, X509Certificate anchor) throws Exception {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
  }
}

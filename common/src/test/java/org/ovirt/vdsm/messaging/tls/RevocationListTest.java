package org.ovirt.vdsm.messaging.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading certificate revocation lists: PEM and DER, verified against the CA, staleness. */
class RevocationListTest {
  @TempDir static Path dir;
  private static CertificateAuthority ca;
  private static KeyAndCertificate revoked;
  private static KeyAndCertificate kept;

  @BeforeAll
  static void issue() {
    ca = CertificateAuthority.create("O=test,CN=crl CA", KeyType.EC_P256, Duration.ofDays(10));
    revoked = ca.issueClient("revoked", KeyType.EC_P256, Duration.ofDays(1));
    kept = ca.issueClient("kept", KeyType.EC_P256, Duration.ofDays(1));
  }

  @Test
  void aPemListNamesTheRevokedCertificateOnly() throws Exception {
    Path file = dir.resolve("pem.crl");
    new RevocationListBuilder(ca)
        .revoke(revoked.certificate().getSerialNumber(), Instant.parse("2026-01-02T03:04:05Z"),
            org.bouncycastle.asn1.x509.CRLReason.superseded)
        .writeTo(file);
    RevocationList list = RevocationList.load(file, List.of(ca.certificate()));
    assertThat(list.revocationOf(revoked.certificate())).hasValueSatisfying(entry -> {
      assertThat(entry.getRevocationDate().toInstant()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
      assertThat(entry.getRevocationReason()).isEqualTo(CRLReason.SUPERSEDED);
    });
    assertThat(list.revocationOf(kept.certificate())).isEmpty();
    assertThat(list.revokedCount()).isEqualTo(1);
    assertThat(list.describe()).isEqualTo("CRL " + file + " (1 revoked, next update " + list.nextUpdate().orElseThrow() + ")");
  }

  @Test
  void aDerListIsReadToo() throws Exception {
    X509CRL crl = new RevocationListBuilder(ca).revoke(revoked.certificate()).build();
    Path file = dir.resolve("der.crl");
    Files.write(file, crl.getEncoded());
    assertThat(RevocationList.load(file, List.of(ca.certificate())).revocationOf(revoked.certificate())).isPresent();
  }

  @Test
  void aListSignedByAnotherKeyOfTheSameNameIsRefused() throws Exception {
    CertificateAuthority impostor = CertificateAuthority.create("O=test,CN=crl CA", KeyType.EC_P256, Duration.ofDays(1));
    Path file = dir.resolve("forged.crl");
    new RevocationListBuilder(impostor).revoke(kept.certificate()).writeTo(file);
    assertThatThrownBy(() -> RevocationList.load(file, List.of(ca.certificate())))
        .isInstanceOf(PemException.class)
        .hasMessage(file + ": the CRL of CN=crl CA,O=test is not signed by a trusted CA certificate");
  }

  @Test
  void aFileWithoutAListIsRefused() throws Exception {
    Path file = dir.resolve("empty.crl");
    Files.writeString(file, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> RevocationList.load(file, List.of(ca.certificate())))
        .isInstanceOf(PemException.class).hasMessageStartingWith(file + ": ");
    assertThatThrownBy(() -> RevocationList.load(dir.resolve("none.crl"), List.of(ca.certificate())))
        .isInstanceOf(PemException.class).hasMessageEndingWith("none.crl: file not found");
  }

  @Test
  void aListPastItsNextUpdateIsStaleButStillApplied() throws Exception {
    Path file = dir.resolve("stale.crl");
    new RevocationListBuilder(ca).revoke(revoked.certificate())
        .thisUpdate(Instant.now().minus(Duration.ofDays(3))).nextUpdate(Duration.ofDays(1)).writeTo(file);
    RevocationList list = RevocationList.load(file, List.of(ca.certificate()));
    assertThat(list.isStale(Instant.now())).isTrue();
    assertThat(list.revocationOf(revoked.certificate())).isPresent();
    assertThat(RevocationList.NONE.isStale(Instant.now())).isFalse();
    assertThat(RevocationList.NONE.revocationOf(revoked.certificate())).isEmpty();
  }
}

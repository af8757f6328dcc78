package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;

/**
 * Issues a certificate revocation list (RFC 5280 section 5) signed by a {@link
 * CertificateAuthority}: the serial numbers of the revoked certificates, each with its revocation
 * time and reason, a CRL number, {@code thisUpdate} now and {@code nextUpdate} after {@link
 * #DEFAULT_NEXT_UPDATE}. For drills, tests and small installations; an engine's own CA publishes
 * its lists its own way.
 */
public final class RevocationListBuilder {

  /** How long a list is valid when not told: 7 days. */
  public static final Duration DEFAULT_NEXT_UPDATE = Duration.ofDays(7);

  private final CertificateAuthority ca;
  private final List<Entry> entries = new ArrayList<>();
  private BigInteger number = BigInteger.ONE;
  private Duration nextUpdate = DEFAULT_NEXT_UPDATE;
  private Instant thisUpdate;

  private record Entry(BigInteger serial, Instant when, int reason) {}

  /** A list of {@code ca} revoking nothing yet. */
  public RevocationListBuilder(CertificateAuthority ca) {
    this.ca = requireNonNull(ca, "ca");
  }

  /** Revokes {@code certificate} now, reason keyCompromise. */
  public RevocationListBuilder revoke(X509Certificate certificate) {
    requireNonNull(certificate, "certificate");
    return revoke(certificate.getSerialNumber(), Instant.now(), CRLReason.keyCompromise);
  }

  /**
   * Revokes the certificate of {@code serial} at {@code when} for {@code reason} (a {@link
   * CRLReason} code, e.g. {@link CRLReason#superseded}).
   */
  public RevocationListBuilder revoke(BigInteger serial, Instant when, int reason) {
    requireNonNull(serial, "serial");
    requireNonNull(when, "when");
    entries.add(new Entry(serial, when, reason));
    return this;
  }

  /** The CRL number (default 1); a newer list must have a greater one. */
  public RevocationListBuilder number(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("a CRL number is not negative: " + value);
    }
    this.number = BigInteger.valueOf(value);
    return this;
  }

  /** How long after {@code thisUpdate} the next list is due (default 7 days). */
  public RevocationListBuilder nextUpdate(Duration after) {
    requireNonNull(after, "after");
    if (after.isNegative() || after.isZero()) {
      throw new IllegalArgumentException("nextUpdate must be positive: " + after);
    }
    this.nextUpdate = after;
    return this;
  }

  /** The list's {@code thisUpdate} (default: when built), e.g. in the past for a stale list. */
  public RevocationListBuilder thisUpdate(Instant when) {
    this.thisUpdate = requireNonNull(when, "when");
    return this;
  }

  /** Signs the list. */
  public X509CRL build() {
    Instant issued = thisUpdate != null ? thisUpdate : Instant.now();
    X509v2CRLBuilder builder =
        new X509v2CRLBuilder(
            X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
            Date.from(issued));
    builder.setNextUpdate(Date.from(issued.plus(nextUpdate)));
    for (Entry e : entries) {
      builder.addCRLEntry(e.serial(), Date.from(e.when()), e.reason());
    }
    try {
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      return new JcaX509CRLConverter().getCRL(builder.build(CertificateSigning.signer(ca.privateKey())));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the CRL", e);
    }
  }

  /**
   * Signs the list and writes it as PEM to {@code file}, replacing it atomically (a temporary file
   * in the same directory, then a rename), so a reader never sees half a list.
   */
  public X509CRL writeTo(Path file) throws IOException {
    requireNonNull(file, "file");
    X509CRL crl = build();
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temp, RevocationList.toPem(crl), StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return crl;
  }
}

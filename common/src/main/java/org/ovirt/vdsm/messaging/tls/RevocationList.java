package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The certificate revocation lists (RFC 5280 section 5) of a CRL file: PEM ({@code -----BEGIN
 * X509 CRL-----}, one or more) or DER. Each list must be signed by one of the trusted CA
 * certificates, so a forged list cannot be slipped in; a list past its {@code nextUpdate} is still
 * applied (refusing every peer because a CRL was not republished would be worse) and {@link
 * #isStale} says so. {@link #NONE} revokes nothing.
 */
public final class RevocationList {

  /** The largest CRL file read: 64 MiB (a CRL of a million entries is about 40 MiB). */
  public static final long MAX_FILE_BYTES = 64L << 20;

  /** No list: nothing is revoked. */
  public static final RevocationList NONE = new RevocationList(null, List.of());

  private final Path file;
  private final List<X509CRL> lists;

  private RevocationList(Path file, List<X509CRL> lists) {
    this.file = file;
    this.lists = List.copyOf(lists);
  }

  /**
   * Reads and verifies {@code file}.
   *
   * @param trustAnchors the CA certificates a list must be signed by
   * @throws PemException if the file is missing, unreadable, too large or malformed, holds no CRL,
   *     or holds one not signed by any of {@code trustAnchors}
   */
  public static RevocationList load(Path file, List<X509Certificate> trustAnchors)
      throws PemException {
    requireNonNull(file, "file");
    requireNonNull(trustAnchors, "trustAnchors");
    byte[] content = read(file);
    List<X509CRL> lists = parse(file, content);
    for (X509CRL crl : lists) {
      verify(file, crl, trustAnchors);
    }
    return new RevocationList(file, lists);
  }

  /** The revocation lists, from any file (for tests and tools). */
  public static RevocationList of(List<X509CRL> lists) {
    return new RevocationList(null, requireNonNull(lists, "lists"));
  }

  /**
   * The entry revoking {@code certificate}: a list by its issuer names its serial number.
   */
  public Optional<X509CRLEntry> revocationOf(X509Certificate certificate) {
    requireNonNull(certificate, "certificate");
    for (X509CRL crl : lists) {
      if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal())) {
        X509CRLEntry entry = crl.getRevokedCertificate(certificate.getSerialNumber());
        if (entry != null) {
          return Optional.of(entry);
        }
      }
    }
    return Optional.empty();
  }

  /** The file read, empty for {@link #NONE} and lists not read from a file. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** How many certificates the lists revoke in all. */
  public int revokedCount() {
    int count = 0;
    for (X509CRL crl : lists) {
      Collection<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
      count += entries == null ? 0 : entries.size();
    }
    return count;
  }

  /** The earliest {@code nextUpdate} of the lists, if any gives one. */
  public Optional<Instant> nextUpdate() {
    Instant earliest = null;
    for (X509CRL crl : lists) {
      Date next = crl.getNextUpdate();
      if (next != null && (earliest == null || next.toInstant().isBefore(earliest))) {
        earliest = next.toInstant();
      }
    }
    return Optional.ofNullable(earliest);
  }

  /** Whether a list's {@code nextUpdate} lies before {@code now}: a newer list should exist. */
  public boolean isStale(Instant now) {
    requireNonNull(now, "now");
    return nextUpdate().map(now::isAfter).orElse(false);
  }

  /** One line for the log: the file, the entries, the next update. */
  public String describe() {
    if (lists.isEmpty()) {
      return "no CRL";
    }
    return "CRL " + (file == null ? "(in memory)" : file) + " (" + revokedCount() + " revoked"
        + nextUpdate().map(n -> ", next update " + n).orElse("") + ")";
  }

  /** {@code crl} as PEM text ({@code -----BEGIN X509 CRL-----}). */
  public static String toPem(X509CRL crl) {
    requireNonNull(crl, "crl");
    try {
      StringWriter out = new StringWriter();
      try (PemWriter writer = new PemWriter(out)) {
        writer.writeObject(new PemObject("X509 CRL", crl.getEncoded()));
      }
      return out.toString();
    } catch (CRLException | IOException e) {
      throw new IllegalArgumentException("cannot encode the CRL", e);
    }
  }

  private static byte[] read(Path file) throws PemException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new PemException(file, "CRL file of " + size + " bytes, more than " + MAX_FILE_BYTES);
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new PemException(file, "file not found", e);
    } catch (AccessDeniedException e) {
      throw new PemException(file, "permission denied", e);
    } catch (IOException e) {
      throw new PemException(file, "cannot read: " + e, e);
    }
  }

  private static List<X509CRL> parse(Path file, byte[] content) throws PemException {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    List<X509CRL> lists = new ArrayList<>();
    if (text.contains("-----BEGIN")) {
      JcaX509CRLConverter converter = new JcaX509CRLConverter();
      try (PEMParser parser =
          new PEMParser(
              new InputStreamReader(
                  new ByteArrayInputStream(content), StandardCharsets.ISO_8859_1))) {
        Object object;
        while ((object = parser.readObject()) != null) {
          if (object instanceof X509CRLHolder holder) {
            lists.add(converter.getCRL(holder));
          }
        }
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new PemException(file, "malformed CRL: " + e.getMessage(), e);
      }
    } else {
      try {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (Object crl : factory.generateCRLs(new ByteArrayInputStream(content))) {
          lists.add((X509CRL) crl);
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new PemException(file, "malformed DER CRL: " + e.getMessage(), e);
      }
    }
    if (lists.isEmpty()) {
      throw new PemException(file, "no CRL (-----BEGIN X509 CRL----- or DER) found");
    }
    return lists;
  }

  private static void verify(Path file, X509CRL crl, List<X509Certificate> trustAnchors)
      throws PemException {
    for (X509Certificate anchor : trustAnchors) {
      if (anchor.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        try {
          crl.verify(anchor.getPublicKey());
          return;
        } catch (GeneralSecurityException e) {
          // another anchor of the same name may have signed it
        }
      }
    }
    throw new PemException(
        file,
        "the CRL of "
            + crl.getIssuerX500Principal().getName()
            + " is not signed by a trusted CA certificate");
  }

  @Override
  public String toString() {
    return "RevocationList[" + describe() + "]";
  }
}

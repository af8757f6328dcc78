package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The files one end's TLS material is read from: its certificate (optionally followed by
 * intermediate CAs), its private key, the CA certificate(s) peers must chain to, and a certificate
 * revocation list. The CRL is optional ({@code crl} {@code null}: none), or used when present
 * ({@code crlRequired} false: a missing file means no list), or required.
 *
 * @param certificate the certificate file (PEM)
 * @param key the private key file (PEM, unencrypted)
 * @param ca the trusted CA certificate file (PEM)
 * @param crl the CRL file, or {@code null}
 * @param crlRequired whether a missing CRL file is an error
 */
public record TlsFiles(Path certificate, Path key, Path ca, Path crl, boolean crlRequired) {

  /** Checks the arguments. */
  public TlsFiles {
    requireNonNull(certificate, "certificate");
    requireNonNull(key, "key");
    requireNonNull(ca, "ca");
    if (crlRequired && crl == null) {
      throw new IllegalArgumentException("a required CRL needs a file");
    }
  }

  /** The host's files of {@code layout}, with its CRL when present. */
  public static TlsFiles host(PkiLayout layout) {
    requireNonNull(layout, "layout");
    return new TlsFiles(layout.hostCert(), layout.hostKey(), layout.caCert(), layout.crl(), false);
  }

  /** The engine's files of {@code layout}, with its CRL when present. */
  public static TlsFiles engine(PkiLayout layout) {
    requireNonNull(layout, "layout");
    return new TlsFiles(
        layout.engineCert(), layout.engineKey(), layout.caCert(), layout.crl(), false);
  }

  /** These files with {@code file} as a required CRL. */
  public TlsFiles withRequiredCrl(Path file) {
    return new TlsFiles(certificate, key, ca, requireNonNull(file, "file"), true);
  }

  /** These files without a CRL. */
  public TlsFiles withoutCrl() {
    return new TlsFiles(certificate, key, ca, null, false);
  }

  /** The files, in a fixed order. */
  public List<Path> all() {
    List<Path> files = new ArrayList<>(List.of(certificate, key, ca));
    if (crl != null) {
      files.add(crl);
    }
    return files;
  }

  /**
   * What the files are now: for each, absent, or its size, modification time and SHA-256 of its
   * content. Two equal fingerprints mean the same material; a file replaced with another of the
   * same size within the file system's time resolution still changes the hash. Unreadable files
   * count as their error, so a file that becomes readable again changes the fingerprint.
   */
  public String fingerprint() {
    StringBuilder sb = new StringBuilder();
    for (Path file : all()) {
      sb.append(file).append('=').append(state(file)).append(';');
    }
    return sb.toString();
  }

  private static String state(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[8192];
      try (InputStream in = Files.newInputStream(file)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
      }
      return attributes.size()
          + "/"
          + attributes.lastModifiedTime().toMillis()
          + "/"
          + HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchFileException e) {
      return "absent";
    } catch (IOException e) {
      return "unreadable:" + e.getClass().getSimpleName();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }
}

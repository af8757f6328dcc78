package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes certificates and private keys as PEM files.
 *
 * <p>Writing never replaces an existing file: the content goes to a temporary file in the same
 * directory, created with its final permissions (keys 0600, certificates 0644), and is then renamed
 * into place, so a file is never seen half written and a key is never readable by others, not even
 * briefly. Directories created for keys are 0700. On file systems without POSIX permissions the
 * files are written with the platform defaults and a warning is logged.
 *
 * <p>Reading accepts certificates ({@code CERTIFICATE}, one or many) and unencrypted private keys
 * as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE
 * KEY}); text outside the PEM blocks is ignored. Encrypted keys are refused. Every failure is a
 * {@link PemException} naming the file.
 */
public final class Pem {

  private static final Logger log = LoggerFactory.getLogger(Pem.class);

  private static final Set<PosixFilePermission> KEY_FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> CERT_FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> KEY_DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private static final AtomicBoolean warnedNonPosix = new AtomicBoolean();

  private Pem() {}

  // ---------------------------------------------------------------- encoding

  /** The PEM text of one or more certificates, each as a {@code CERTIFICATE} block, in order. */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    requireNonNull(certificates, "certificates");
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificates to encode");
    }
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      for (X509Certificate certificate : certificates) {
        requireNonNull(certificate, "certificate");
        writer.writeObject(new PemObject("CERTIFICATE", certificate.getEncoded()));
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode certificate", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- writing

  /** Writes one certificate; see {@link #writeCertificates(Path, List)}. */
  public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    writeCertificates(file, List.of(requireNonNull(certificate, "certificate")));
  }

  /**
   * Writes certificates (a leaf first, then its issuers, if a chain) as PEM, mode 0644. Missing
   * parent directories are created with default permissions.
   *
   * @throws FileAlreadyExistsException if {@code file} exists; it is never replaced
   */
  public static void writeCertificates(Path file, List<X509Certificate> certificates)
      throws IOException {
    requireNonNull(file, "file");
    byte[] pem = encodeCertificates(certificates).getBytes(StandardCharsets.US_ASCII);
    Path parent = parentOf(file);
    Files.createDirectories(parent);
    writeNew(file, pem, CERT_FILE_MODE);
  }

  /**
   * Writes a private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), mode 0600
   * from the moment the file exists. A missing parent directory is created with mode 0700.
   *
   * @throws FileAlreadyExistsException if {@code file} exists; it is never replaced
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    requireNonNull(file, "file");
    requireNonNull(key, "key");
    if (!"PKCS#8".equalsIgnoreCase(key.getFormat())) {
      throw new IllegalArgumentException("private key is not PKCS#8-encodable: " + key.getFormat());
    }
    byte[] der = key.getEncoded();
    if (der == null) {
      throw new IllegalArgumentException("private key cannot be encoded (hardware key?)");
    }
    byte[] pem = null;
    try {
      StringWriter out = new StringWriter();
      try (PemWriter writer = new PemWriter(out)) {
        writer.writeObject(new PemObject("PRIVATE KEY", der));
      }
      pem = out.toString().getBytes(StandardCharsets.US_ASCII);
      createKeyDirectory(parentOf(file));
      writeNew(file, pem, KEY_FILE_MODE);
    } finally {
      // Best effort: the String built on the way cannot be wiped.
      Arrays.fill(der, (byte) 0);
      if (pem != null) {
        Arrays.fill(pem, (byte) 0);
      }
    }
  }

  private static Path parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("no parent directory: " + file);
    }
    return parent;
  }

  /** Creates {@code dir} with mode 0700 when missing (its parents with default permissions). */
  static void createKeyDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(KEY_DIR_MODE));
    } catch (UnsupportedOperationException e) {
      warnNonPosix(dir);
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  private static void writeNew(Path file, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite");
    }
    Path dir = parentOf(file);
    String prefix = "." + file.getFileName() + ".";
    Path temp;
    try {
      FileAttribute<Set<PosixFilePermission>> attribute =
          PosixFilePermissions.asFileAttribute(mode);
      temp = Files.createTempFile(dir, prefix, ".tmp", attribute);
    } catch (UnsupportedOperationException e) {
      warnNonPosix(dir);
      temp = Files.createTempFile(dir, prefix, ".tmp");
    }
    boolean moved = false;
    try {
      try (SeekableByteChannel channel = Files.newByteChannel(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (channel instanceof FileChannel fileChannel) {
          fileChannel.force(true);
        }
      }
      publish(temp, file);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Gives the complete {@code temp} the name {@code file} unless {@code file} exists: a hard link
   * fails atomically when the name is taken; where links are not supported, a move without
   * REPLACE_EXISTING checks first (a small race with a concurrent writer).
   */
  private static void publish(Path temp, Path file) throws IOException {
    try {
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.move(temp, file);
      return;
    }
    Files.deleteIfExists(temp);
  }

  private static void warnNonPosix(Path dir) {
    if (warnedNonPosix.compareAndSet(false, true)) {
      log.warn(
          "{}: the file system has no POSIX permissions; key files get its default protection",
          dir);
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads the first certificate of a PEM file (for a chain file, the leaf).
   *
   * @throws PemException if the file is missing, unreadable, malformed or has no certificate
   */
  public static X509Certificate readCertificate(Path file) throws PemException {
    return readCertificates(file).get(0);
  }

  /**
   * Reads every certificate of a PEM file, in file order; other PEM blocks (such as a key in a
   * combined file) are skipped.
   *
   * @return a non-empty list
   * @throws PemException if the file is missing, unreadable, malformed or has no certificate
   */
  public static List<X509Certificate> readCertificates(Path file) throws PemException {
    requireNonNull(file, "file");
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(open(file))) {
      Object object;
      while ((object = nextObject(parser, file)) != null) {
        if (object instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (CertificateException e) {
      throw new PemException(file, "malformed certificate: " + e.getMessage(), e);
    } catch (PemException e) {
      throw e;
    } catch (IOException e) {
      throw new PemException(file, "cannot read: " + e, e);
    }
    if (certificates.isEmpty()) {
      throw new PemException(file, "no PEM certificate (-----BEGIN CERTIFICATE-----) found");
    }
    return List.copyOf(certificates);
  }

  /**
   * Reads the first private key of a PEM file: PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA
   * PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}; other PEM blocks (such as certificates) are
   * skipped. Logs a warning when the file is accessible to group or others.
   *
   * @throws PemException if the file is missing, unreadable, malformed, has no private key, or the
   *     key is encrypted (not supported)
   */
  public static PrivateKey readPrivateKey(Path file) throws PemException {
    requireNonNull(file, "file");
    PrivateKeyInfo info = null;
    try (PEMParser parser = new PEMParser(open(file))) {
      Object object;
      while (info == null && (object = nextObject(parser, file)) != null) {
        if (object instanceof PrivateKeyInfo privateKeyInfo) {
          info = privateKeyInfo;
        } else if (object instanceof PEMKeyPair keyPair) {
          info = keyPair.getPrivateKeyInfo();
        } else if (object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new PemException(
              file,
              "the private key is encrypted; encrypted keys are not supported, store it unencrypted"
                  + " (mode 0600)");
        }
      }
    } catch (PemException e) {
      throw e;
    } catch (IOException e) {
      throw new PemException(file, "cannot read: " + e, e);
    } catch (RuntimeException e) {
      throw new PemException(file, "malformed private key", e);
    }
    if (info == null) {
      throw new PemException(
          file, "no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) found");
    }
    warnIfExposed(file);
    return toPrivateKey(info, file);
  }

  private static Reader open(Path file) throws PemException {
    try {
      // ISO-8859-1 decodes any byte: stray non-ASCII text around the blocks cannot fail the read.
      return Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new PemException(file, "file not found", e);
    } catch (AccessDeniedException e) {
      throw new PemException(file, "permission denied", e);
    } catch (IOException e) {
      throw new PemException(file, "cannot open: " + e, e);
    }
  }

  private static Object nextObject(PEMParser parser, Path file) throws PemException {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      // Bouncy Castle reports bad Base64 or ASN.1 as IOException or as unchecked exceptions.
      throw new PemException(file, "malformed PEM: " + e.getMessage(), e);
    }
  }

  private static PrivateKey toPrivateKey(PrivateKeyInfo info, Path file) throws PemException {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      algorithm = "RSA";
    } else if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
      algorithm = "RSASSA-PSS";
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      algorithm = "EC";
    } else if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      algorithm = "Ed25519";
    } else if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
      algorithm = "Ed448";
    } else {
      throw new PemException(file, "unsupported private key algorithm " + oid);
    }
    byte[] der = null;
    try {
      der = info.getEncoded();
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new PemException(file, "malformed " + algorithm + " private key", e);
    } finally {
      if (der != null) {
        Arrays.fill(der, (byte) 0);
      }
    }
  }

  private static void warnIfExposed(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
        log.warn(
            "{}: private key file is accessible to group or others (mode {}); use 0600",
            file,
            PosixFilePermissions.toString(permissions));
      }
    } catch (UnsupportedOperationException | IOException e) {
      // No POSIX permissions here: nothing to check.
    }
  }
}

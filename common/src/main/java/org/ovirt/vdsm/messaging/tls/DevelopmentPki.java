package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates a complete development PKI in the {@link PkiLayout}: a new CA (certificate and key), a
 * host certificate and key, and an engine client certificate and key, all signed by the CA. For
 * development and tests only: a production host gets its certificate from the engine's CA and never
 * holds the CA key. Existing files are never overwritten.
 */
public final class DevelopmentPki {

  /** The organization of the generated CA, and so of every generated subject. */
  public static final String ORGANIZATION = "oVirt development";

  /** The common name of the generated engine client certificate. */
  public static final String ENGINE_COMMON_NAME = "engine";

  /** Names and addresses always added to the host certificate, for loopback use. */
  public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

  private static final Logger log = LoggerFactory.getLogger(DevelopmentPki.class);
  private static final SecureRandom random = new SecureRandom();

  private DevelopmentPki() {}

  /**
   * Writes a new CA, host and engine material into {@code dir}. The host certificate has CN {@code
   * hostName} and subjectAltNames {@code hostName}, {@code hostAddresses} and {@link
   * #LOOPBACK_NAMES}; the engine certificate has CN {@link #ENGINE_COMMON_NAME}.
   *
   * @param dir the PKI directory, created if missing
   * @param hostName the host's name (FQDN)
   * @param hostAddresses further names or literal IP addresses of the host; may be empty
   * @param keyType the key type of all three keys
   * @return the layout of {@code dir}
   * @throws FileAlreadyExistsException if any file of the layout already exists (nothing is
   *     written)
   */
  public static PkiLayout generate(
      Path dir, String hostName, List<String> hostAddresses, KeyType keyType) throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(hostName, "hostName");
    requireNonNull(hostAddresses, "hostAddresses");
    requireNonNull(keyType, "keyType");
    PkiLayout layout = new PkiLayout(dir);
    for (Path file :
        List.of(
            layout.caCert(),
            layout.caKey(),
            layout.hostCert(),
            layout.hostKey(),
            layout.engineCert(),
            layout.engineKey())) {
      if (Files.exists(file)) {
        throw new FileAlreadyExistsException(
            file.toString(), null, "refusing to overwrite PKI material");
      }
    }
    CertificateAuthority ca = newCa(keyType);
    createDirectories(layout);
    ca.writeTo(layout.caCert(), layout.caKey());
    writeHost(layout, ca, hostName, hostAddresses, keyType);
    writeEngine(layout, ca, keyType);
    log.info(
        "generated development PKI in {} (CA {}, host {})",
        dir,
        ca.certificate().getSubjectX500Principal().getName(),
        hostName);
    return layout;
  }

  /**
   * Generates development material only when {@code dir} has no host material ({@link
   * PkiLayout#hasHostMaterial()}). When the CA certificate and key are already there, the missing
   * host (and engine) material is issued by that CA; engine material is added only when neither its
   * certificate nor its key exists.
   *
   * @return whether anything was generated
   * @throws IOException if the directory holds partial material that cannot be completed without
   *     overwriting (a CA certificate without its key, a host certificate without its key, or the
   *     other way round)
   */
  public static boolean ensure(
      Path dir, String hostName, List<String> hostAddresses, KeyType keyType) throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(hostName, "hostName");
    requireNonNull(hostAddresses, "hostAddresses");
    requireNonNull(keyType, "keyType");
    PkiLayout layout = new PkiLayout(dir);
    if (layout.hasHostMaterial()) {
      return false;
    }
    boolean caCert = Files.exists(layout.caCert());
    boolean caKey = Files.exists(layout.caKey());
    if (caCert != caKey) {
      throw new IOException(
          dir
              + ": cannot generate host material: "
              + (caCert
                  ? layout.caCert() + " exists without " + layout.caKey()
                  : layout.caKey() + " exists without " + layout.caCert())
              + "; install the host certificate and key, or remove the partial CA");
    }
    if (Files.exists(layout.hostCert()) || Files.exists(layout.hostKey())) {
      throw new IOException(
          dir
              + ": partial host material ("
              + (Files.exists(layout.hostCert()) ? layout.hostCert() : layout.hostKey())
              + " without its counterpart); refusing to overwrite");
    }
    if (!caCert) {
      generate(dir, hostName, hostAddresses, keyType);
      return true;
    }
    Optional<CertificateAuthority> existing = CertificateAuthority.loadIfPresent(layout);
    CertificateAuthority ca = existing.orElseThrow(() -> new IOException(dir + ": CA disappeared"));
    createDirectories(layout);
    writeHost(layout, ca, hostName, hostAddresses, keyType);
    if (!Files.exists(layout.engineCert()) && !Files.exists(layout.engineKey())) {
      writeEngine(layout, ca, keyType);
    }
    log.info(
        "issued development host material in {} from the existing CA {}",
        dir,
        ca.certificate().getSubjectX500Principal().getName());
    return true;
  }

  private static CertificateAuthority newCa(KeyType keyType) {
    String id = String.format("%05d", random.nextInt(100_000));
    return CertificateAuthority.create(
        "O=" + ORGANIZATION + ",CN=development CA " + id,
        keyType,
        CertificateAuthority.DEFAULT_CA_VALIDITY);
  }

  private static void createDirectories(PkiLayout layout) throws IOException {
    Files.createDirectories(layout.caCert().getParent());
    Pem.createKeyDirectory(layout.hostKey().getParent());
  }

  private static void writeHost(
      PkiLayout layout,
      CertificateAuthority ca,
      String hostName,
      List<String> hostAddresses,
      KeyType keyType)
      throws IOException {
    List<String> names = new ArrayList<>();
    names.add(hostName);
    names.addAll(hostAddresses);
    names.addAll(LOOPBACK_NAMES);
    KeyAndCertificate host =
        ca.issueServer(hostName, names, keyType, CertificateAuthority.DEFAULT_LEAF_VALIDITY);
    Pem.writePrivateKey(layout.hostKey(), host.privateKey());
    Pem.writeCertificate(layout.hostCert(), host.certificate());
  }

  private static void writeEngine(PkiLayout layout, CertificateAuthority ca, KeyType keyType)
      throws IOException {
    KeyAndCertificate engine =
        ca.issueClient(ENGINE_COMMON_NAME, keyType, CertificateAuthority.DEFAULT_LEAF_VALIDITY);
    Pem.writePrivateKey(layout.engineKey(), engine.privateKey());
    Pem.writeCertificate(layout.engineCert(), engine.certificate());
  }
}

package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;

/**
 * The certificates of a broker test, made at test time in one directory: a {@link DevelopmentPki}
 * whose "host" certificate is the broker's server certificate (CN {@value #BROKER_NAME},
 * subjectAltNames for loopback) and whose engine certificate is the engine's (CN {@value
 * DevelopmentPki#ENGINE_COMMON_NAME}); further client certificates (one per VDSM host, CN = host id)
 * are issued by the same CA on demand; {@link #foreignClient} issues one from a second, unrelated CA
 * that the broker must refuse.
 */
public final class BrokerPki {

  /** The common name of the broker's server certificate. */
  public static final String BROKER_NAME = "localhost";

  private final PkiLayout layout;
  private final CertificateAuthority ca;
  private final Path clients;

  private BrokerPki(PkiLayout layout, CertificateAuthority ca) {
    this.layout = layout;
    this.ca = ca;
    this.clients = layout.root().resolve("clients");
  }

  /** Generates a new PKI (EC P-256 keys: quick to make) in {@code dir}, which must hold none yet. */
  public static BrokerPki generate(Path dir) throws IOException {
    requireNonNull(dir, "dir");
    PkiLayout layout = DevelopmentPki.generate(dir, BROKER_NAME, List.of(), KeyType.EC_P256);
    CertificateAuthority ca = CertificateAuthority.load(layout.caCert(), layout.caKey());
    BrokerPki pki = new BrokerPki(layout, ca);
    Files.writeString(
        pki.brokerKeyAndCertificate(),
        Files.readString(layout.hostKey(), StandardCharsets.US_ASCII)
            + Files.readString(layout.hostCert(), StandardCharsets.US_ASCII),
        StandardCharsets.US_ASCII);
    return pki;
  }

  /** The layout: CA, broker ("host" files) and engine material. */
  public PkiLayout layout() {
    return layout;
  }

  /** The CA certificate (PEM) every party trusts. */
  public Path caCertificate() {
    return layout.caCert();
  }

  /** The broker's certificate (PEM). */
  public Path brokerCertificate() {
    return layout.hostCert();
  }

  /** The broker's private key (PKCS#8 PEM). */
  public Path brokerKey() {
    return layout.hostKey();
  }

  /** One PEM file with the broker's key followed by its certificate (Artemis' PEM key store). */
  public Path brokerKeyAndCertificate() {
    return layout.root().resolve("keys").resolve("broker-key-and-cert.pem");
  }

  /** The engine's client credentials (CN {@value DevelopmentPki#ENGINE_COMMON_NAME}). */
  public ClientCredentials engine() {
    return new ClientCredentials(
        DevelopmentPki.ENGINE_COMMON_NAME, layout.engineCert(), layout.engineKey(), layout.caCert());
  }

  /**
   * The client credentials with common name {@code commonName} (a VDSM host id), issued by this CA
   * on the first call and read from disk afterwards.
   */
  public synchronized ClientCredentials client(String commonName) throws IOException {
    requireNonNull(commonName, "commonName");
    if (!commonName.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new IllegalArgumentException("not a usable common name: " + commonName);
    }
    ClientCredentials credentials =
        new ClientCredentials(
            commonName,
            clients.resolve(commonName + "-cert.pem"),
            clients.resolve(commonName + "-key.pem"),
            layout.caCert());
    if (!Files.exists(credentials.certificate())) {
      write(ca, credentials);
    }
    return credentials;
  }

  /**
   * A VDSM host's own certificate with common name {@code hostId}, issued by this CA on the first
   * call (read from disk afterwards): serverAuth and clientAuth, subjectAltNames {@value
   * LoopbackPorts#HOST} and {@code localhost}, as a real host certificate. The host logs in to the
   * broker with it (the same subject as {@link #client}) and serves direct connections with it.
   */
  public synchronized ClientCredentials host(String hostId) throws IOException {
    requireNonNull(hostId, "hostId");
    if (!hostId.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
      throw new IllegalArgumentException("not a usable host id: " + hostId);
    }
    Path dir = layout.root().resolve("hosts");
    ClientCredentials credentials =
        new ClientCredentials(
            hostId, dir.resolve(hostId + "-cert.pem"), dir.resolve(hostId + "-key.pem"), layout.caCert());
    if (!Files.exists(credentials.certificate())) {
      Files.createDirectories(dir);
      KeyAndCertificate issued =
          ca.issueServer(
              hostId,
              List.of(LoopbackPorts.HOST, "localhost"),
              KeyType.EC_P256,
              CertificateAuthority.DEFAULT_LEAF_VALIDITY);
      Pem.writePrivateKey(credentials.key(), issued.privateKey());
      Pem.writeCertificate(credentials.certificate(), issued.certificate());
    }
    return credentials;
  }

  /**
   * Credentials with common name {@code commonName} issued by a new CA that nobody trusts; the
   * credentials still trust this PKI's CA, so only the broker's check of the client can fail.
   */
  public ClientCredentials foreignClient(String commonName) throws IOException {
    requireNonNull(commonName, "commonName");
    CertificateAuthority other =
        CertificateAuthority.create(
            "O=somebody else,CN=foreign CA", KeyType.EC_P256, CertificateAuthority.DEFAULT_CA_VALIDITY);
    Path dir = Files.createTempDirectory(layout.root(), "foreign-");
    ClientCredentials credentials =
        new ClientCredentials(
            commonName,
            dir.resolve(commonName + "-cert.pem"),
            dir.resolve(commonName + "-key.pem"),
            layout.caCert());
    write(other, credentials);
    return credentials;
  }

  private static void write(CertificateAuthority issuer, ClientCredentials credentials)
      throws IOException {
    KeyAndCertificate issued =
        issuer.issueClient(
            credentials.commonName(), KeyType.EC_P256, CertificateAuthority.DEFAULT_LEAF_VALIDITY);
    Pem.writePrivateKey(credentials.key(), issued.privateKey());
    Pem.writeCertificate(credentials.certificate(), issued.certificate());
  }

  /**
   * A client's PEM files.
   *
   * @param commonName the subject CN (the broker user under certificate login)
   * @param certificate the client certificate
   * @param key the client's private key
   * @param trustedCa the CA certificate the client trusts for the broker
   */
  public record ClientCredentials(String commonName, Path certificate, Path key, Path trustedCa) {

    /** Requires every component. */
    public ClientCredentials {
      requireNonNull(commonName, "commonName");
      requireNonNull(certificate, "certificate");
      requireNonNull(key, "key");
      requireNonNull(trustedCa, "trustedCa");
    }

    /** A Netty client context presenting this certificate and checking the broker's name. */
    public SslContext sslContext() throws IOException {
      return TlsContexts.client(certificate, key, trustedCa, true);
    }
  }
}

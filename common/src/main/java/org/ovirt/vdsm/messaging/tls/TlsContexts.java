package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Netty {@link SslContext}s of mutual TLS between the engine (client) and the host
 * (server), as the wire contract requires: "TLS by default, mutual: the host presents a certificate
 * signed by the engine CA and requires the client (the engine) to present one signed by the same
 * CA. TLS 1.2 and 1.3 only; SSLv3, TLS 1.0 and 1.1 must be refused."
 *
 * <p>Both sides trust only the given CA certificates, never the system's CAs, and check peers with
 * {@link PeerCertificateCheck} (validity period, chain, revocation list when given; one clear
 * reason per refusal). The client verifies
 * that the host's certificate matches the name or address it connects to (endpoint identification
 * {@code HTTPS}), so its handler must be made with the peer's host and port: {@link
 * #newClientHandler} or {@code context.newHandler(alloc, host, port)}.
 *
 * <p>The provider is OpenSSL (BoringSSL from netty-tcnative) when available, else the JDK; the
 * system property {@value #PROVIDER_PROPERTY} ({@code openssl} or {@code jdk}) forces one.
 */
public final class TlsContexts {

  /** System property forcing the TLS provider: {@code openssl} or {@code jdk}. */
  public static final String PROVIDER_PROPERTY = "vdsm.messaging.tls.provider";

  /** The enabled protocols, most preferred first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The default TLS handshake timeout: 10 s, as the wire contract's detection timeout. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** The endpoint identification algorithm used when the client verifies host names. */
  static final String ENDPOINT_IDENTIFICATION = "HTTPS";

  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  private TlsContexts() {}

  /**
   * The TLS provider contexts are built with: the one named by {@value #PROVIDER_PROPERTY} if set,
   * else {@link SslProvider#OPENSSL} when {@link OpenSsl#isAvailable()}, else {@link
   * SslProvider#JDK}.
   *
   * @throws IllegalStateException if the property has another value, or forces OpenSSL and OpenSSL
   *     is not available
   */
  public static SslProvider provider() {
    String forced = System.getProperty(PROVIDER_PROPERTY);
    if (forced == null || forced.isBlank()) {
      return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
    switch (forced.strip().toLowerCase(Locale.ROOT)) {
      case "jdk":
        return SslProvider.JDK;
      case "openssl":
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException(
              "-D" + PROVIDER_PROPERTY + "=openssl but OpenSSL is not available",
              OpenSsl.unavailabilityCause());
        }
        return SslProvider.OPENSSL;
      default:
        throw new IllegalStateException(
            "-D" + PROVIDER_PROPERTY + " must be 'openssl' or 'jdk', not '" + forced + "'");
    }
  }

  // ---------------------------------------------------------------- server

  /**
   * The host's context from {@code layout}: host certificate and key, CA; see {@link
   * #server(PrivateKey, List, List, SslProvider)}.
   */
  public static SslContext server(PkiLayout layout) throws IOException {
    return server(layout, provider());
  }

  /** As {@link #server(PkiLayout)} with an explicit provider. */
  public static SslContext server(PkiLayout layout, SslProvider provider) throws IOException {
    requireNonNull(layout, "layout");
    return server(layout.hostCert(), layout.hostKey(), layout.caCert(), provider);
  }

  /**
   * The host's context from PEM files.
   *
   * @param certificateFile the host certificate, optionally followed by intermediate CAs
   * @param keyFile the host's private key
   * @param caFile the CA certificate(s) client certificates must chain to
   * @throws PemException if a file is missing or malformed, or the key does not match the
   *     certificate
   */
  public static SslContext server(Path certificateFile, Path keyFile, Path caFile)
      throws IOException {
    return server(certificateFile, keyFile, caFile, provider());
  }

  /** As {@link #server(Path, Path, Path)} with an explicit provider. */
  public static SslContext server(
      Path certificateFile, Path keyFile, Path caFile, SslProvider provider) throws IOException {
    return server(
        TlsMaterial.load(new TlsFiles(certificateFile, keyFile, caFile, null, false)), provider);
  }

  /**
   * The host's context: presents {@code chain}, requires a client certificate ({@link
   * ClientAuth#REQUIRE}) chaining to {@code trustAnchors} (and nothing else), TLS 1.3 and 1.2 only.
   *
   * @throws javax.net.ssl.SSLException if the context cannot be built
   */
  public static SslContext server(
      PrivateKey key,
      List<X509Certificate> chain,
      List<X509Certificate> trustAnchors,
      SslProvider provider)
      throws IOException {
    checkArguments(key, chain, trustAnchors, provider);
    return server(key, chain, new PeerCertificateCheck(trustAnchors, RevocationList.NONE,
        Clock.systemUTC()), provider);
  }

  /**
   * The host's context of {@code material}: as {@link #server(PrivateKey, List, List,
   * SslProvider)}, client certificates also checked against the material's revocation list.
   */
  public static SslContext server(TlsMaterial material, SslProvider provider) throws IOException {
    requireNonNull(material, "material");
    requireNonNull(provider, "provider");
    return server(material.key(), material.chain(), material.peerCheck(), provider);
  }

  private static SslContext server(
      PrivateKey key, List<X509Certificate> chain, PeerCertificateCheck check, SslProvider provider)
      throws IOException {
    SslContext context =
        SslContextBuilder.forServer(key, chain)
            .sslProvider(provider)
            .trustManager(check)
            .clientAuth(ClientAuth.REQUIRE)
            .protocols(PROTOCOLS)
            .build();
    log.debug("TLS server context: provider {}, certificate {}", provider, subjectOf(chain));
    return context;
  }

  // ---------------------------------------------------------------- client

  /**
   * The engine's context from {@code layout}: engine certificate and key, CA; see {@link
   * #client(PrivateKey, List, List, boolean, SslProvider)}.
   */
  public static SslContext client(PkiLayout layout, boolean verifyHostName) throws IOException {
    return client(layout, verifyHostName, provider());
  }

  /** As {@link #client(PkiLayout, boolean)} with an explicit provider. */
  public static SslContext client(PkiLayout layout, boolean verifyHostName, SslProvider provider)
      throws IOException {
    requireNonNull(layout, "layout");
    return client(
        layout.engineCert(), layout.engineKey(), layout.caCert(), verifyHostName, provider);
  }

  /**
   * The engine's context from PEM files.
   *
   * @param certificateFile the client certificate, optionally followed by intermediate CAs
   * @param keyFile the client's private key
   * @param caFile the CA certificate(s) the host's certificate must chain to
   * @param verifyHostName whether the host's certificate must match the name connected to
   * @throws PemException if a file is missing or malformed, or the key does not match the
   *     certificate
   */
  public static SslContext client(
      Path certificateFile, Path keyFile, Path caFile, boolean verifyHostName) throws IOException {
    return client(certificateFile, keyFile, caFile, verifyHostName, provider());
  }

  /** As {@link #client(Path, Path, Path, boolean)} with an explicit provider. */
  public static SslContext client(
      Path certificateFile, Path keyFile, Path caFile, boolean verifyHostName, SslProvider provider)
      throws IOException {
    return client(
        TlsMaterial.load(new TlsFiles(certificateFile, keyFile, caFile, null, false)),
        verifyHostName,
        provider);
  }

  /**
   * The engine's context: presents {@code chain}, trusts only {@code trustAnchors}, TLS 1.3 and 1.2
   * only. With {@code verifyHostName} the host's certificate must match (subjectAltName DNS or IP
   * entry) the peer host given to {@code newHandler(alloc, host, port)}; without it any certificate
   * of the CA is accepted (Netty 4.2 verifies by default; this switches it off explicitly).
   *
   * @throws javax.net.ssl.SSLException if the context cannot be built
   */
  public static SslContext client(
      PrivateKey key,
      List<X509Certificate> chain,
      List<X509Certificate> trustAnchors,
      boolean verifyHostName,
      SslProvider provider)
      throws IOException {
    checkArguments(key, chain, trustAnchors, provider);
    return client(
        key,
        chain,
        new PeerCertificateCheck(trustAnchors, RevocationList.NONE, Clock.systemUTC()),
        verifyHostName,
        provider);
  }

  /**
   * The engine's context of {@code material}: as {@link #client(PrivateKey, List, List, boolean,
   * SslProvider)}, the host's certificate also checked against the material's revocation list.
   */
  public static SslContext client(TlsMaterial material, boolean verifyHostName, SslProvider provider)
      throws IOException {
    requireNonNull(material, "material");
    requireNonNull(provider, "provider");
    return client(material.key(), material.chain(), material.peerCheck(), verifyHostName, provider);
  }

  private static SslContext client(
      PrivateKey key,
      List<X509Certificate> chain,
      PeerCertificateCheck check,
      boolean verifyHostName,
      SslProvider provider)
      throws IOException {
    SslContext context =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .keyManager(key, chain)
            .trustManager(check)
            .protocols(PROTOCOLS)
            .endpointIdentificationAlgorithm(verifyHostName ? ENDPOINT_IDENTIFICATION : null)
            .build();
    if (!verifyHostName) {
      log.warn(
          "TLS client context without host name verification (certificate {})", subjectOf(chain));
    }
    log.debug(
        "TLS client context: provider {}, certificate {}, verify host name {}",
        provider,
        subjectOf(chain),
        verifyHostName);
    return context;
  }

  // ---------------------------------------------------------------- handlers

  /** A server-side handler of {@code context} with the {@link #DEFAULT_HANDSHAKE_TIMEOUT}. */
  public static SslHandler newServerHandler(SslContext context, ByteBufAllocator alloc) {
    requireNonNull(context, "context");
    requireNonNull(alloc, "alloc");
    SslHandler handler = context.newHandler(alloc);
    handler.setHandshakeTimeout(DEFAULT_HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return handler;
  }

  /**
   * A client-side handler of {@code context} for the peer {@code host}:{@code port} (the name or
   * address host name verification checks, also sent as SNI when a name) with the {@link
   * #DEFAULT_HANDSHAKE_TIMEOUT}.
   */
  public static SslHandler newClientHandler(
      SslContext context, ByteBufAllocator alloc, String host, int port) {
    requireNonNull(context, "context");
    requireNonNull(alloc, "alloc");
    requireNonNull(host, "host");
    SslHandler handler = context.newHandler(alloc, host, port);
    handler.setHandshakeTimeout(DEFAULT_HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return handler;
  }

  // ---------------------------------------------------------------- helpers

  private static void checkArguments(
      PrivateKey key,
      List<X509Certificate> chain,
      List<X509Certificate> trustAnchors,
      SslProvider provider) {
    requireNonNull(key, "key");
    requireNonNull(chain, "chain");
    requireNonNull(trustAnchors, "trustAnchors");
    requireNonNull(provider, "provider");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
    if (trustAnchors.isEmpty()) {
      throw new IllegalArgumentException("no trusted CA certificate");
    }
  }

  private static String subjectOf(List<X509Certificate> chain) {
    return chain.get(0).getSubjectX500Principal().getName();
  }
}

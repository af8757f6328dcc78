package org.ovirt.vdsm.messaging.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Real TLS handshakes on loopback between contexts built by {@link TlsContexts}. */
class TlsHandshakeTest {

  private static final byte[] PING =
      "CONNECT\naccept-version:1.2\n\n\0".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path tempDir;

  /** EC material for most tests: CA, host ("host1.example.com" + loopback names), engine. */
  private static PkiLayout pki;

  private static X509Certificate caCert;

  @BeforeAll
  static void generatePki() throws Exception {
    pki =
        DevelopmentPki.generate(
            tempDir.resolve("ec"), "host1.example.com", List.of("192.0.2.10"), KeyType.EC_P256);
    caCert = Pem.readCertificate(pki.caCert());
  }

  static Stream<SslProvider> providers() {
    List<SslProvider> providers = new ArrayList<>(List.of(SslProvider.JDK));
    if (OpenSsl.isAvailable()) {
      providers.add(SslProvider.OPENSSL);
    }
    return providers.stream();
  }

  static Stream<Arguments> providerPairs() {
    List<SslProvider> providers = providers().toList();
    List<Arguments> pairs = new ArrayList<>();
    for (SslProvider server : providers) {
      for (SslProvider client : providers) {
        pairs.add(Arguments.of(server, client));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("providerPairs")
  void mutualTlsCarriesBytes(SslProvider serverProvider, SslProvider clientProvider)
      throws Exception {
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, serverProvider))) {
      TlsLoopback.Outcome outcome =
          loopback.exchange(TlsContexts.client(pki, true, clientProvider), "localhost", PING);

      assertThat(outcome.clientFailure()).isNull();
      assertThat(outcome.serverFailure()).isNull();
      assertThat(outcome.echoed()).isEqualTo(PING);
      assertThat(outcome.clientCertificateSeenByServer())
          .isEqualTo(Pem.readCertificate(pki.engineCert()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void negotiatesTls13ByDefault(SslProvider provider) throws Exception {
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
      TlsLoopback.Outcome outcome =
          loopback.exchange(TlsContexts.client(pki, true, provider), "localhost", PING);

      assertThat(outcome.clientProtocol()).isEqualTo("TLSv1.3");
      assertThat(outcome.serverProtocol()).isEqualTo("TLSv1.3");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void acceptsTls12Clients(SslProvider provider) throws Exception {
    SslContext tls12Client =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .keyManager(Pem.readPrivateKey(pki.engineKey()), Pem.readCertificates(pki.engineCert()))
            .trustManager(caCert)
            .protocols("TLSv1.2")
            .build();
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
      TlsLoopback.Outcome outcome = loopback.exchange(tls12Client, "localhost", PING);

      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.serverProtocol()).isEqualTo("TLSv1.2");
      assertThat(outcome.echoed()).isEqualTo(PING);
    }
  }

  @Test
  void rsaMaterialFromFilesWithTheDefaultProvider() throws Exception {
    PkiLayout rsa =
        DevelopmentPki.generate(
            tempDir.resolve("rsa"), "host1.example.com", List.of(), KeyType.RSA_2048);
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(rsa))) {
      TlsLoopback.Outcome outcome =
          loopback.exchange(TlsContexts.client(rsa, true), "host1.example.com", PING);

      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.echoed()).isEqualTo(PING);
      assertThat(outcome.clientCertificateSeenByServer().getPublicKey().getAlgorithm())
          .isEqualTo("RSA");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void rsaMaterialWithEachProvider(SslProvider provider) throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.create(
            "O=example.com,CN=rsa CA", KeyType.RSA_2048, Duration.ofDays(1));
    KeyAndCertificate host =
        ca.issueServer("localhost", List.of("localhost"), KeyType.RSA_2048, Duration.ofDays(1));
    KeyAndCertificate engine = ca.issueClient("engine", KeyType.RSA_2048, Duration.ofDays(1));
    SslContext server =
        TlsContexts.server(
            host.privateKey(), List.of(host.certificate()), List.of(ca.certificate()), provider);
    SslContext client =
        TlsContexts.client(
            engine.privateKey(),
            List.of(engine.certificate()),
            List.of(ca.certificate()),
            true,
            provider);
    try (TlsLoopback loopback = new TlsLoopback(server)) {
      TlsLoopback.Outcome outcome = loopback.exchange(client, "localhost", PING);

      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.echoed()).isEqualTo(PING);
    }
  }

  /**
   * An impostor CA with exactly the real CA's name: the client's key manager presents its
   * certificate (the issuer name matches the server's certificate request), the server must refuse
   * it on the signature.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void refusesAClientCertificateOfAnotherCaWithTheSameName(SslProvider provider) throws Exception {
    CertificateAuthority impostor =
        CertificateAuthority.create(
            caCert.getSubjectX500Principal(), KeyType.EC_P256, Duration.ofDays(1));
    KeyAndCertificate engine = impostor.issueClient("engine", KeyType.EC_P256, Duration.ofDays(1));
    assertThat(engine.certificate().getIssuerX500Principal())
        .isEqualTo(caCert.getSubjectX500Principal());
    SslContext client =
        TlsContexts.client(
            engine.privateKey(), List.of(engine.certificate()), List.of(caCert), true, provider);
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
      TlsLoopback.Outcome outcome = loopback.exchange(client, "localhost", PING);

      assertThat(outcome.serverFailure()).isNotNull();
      assertThat(causes(outcome.serverFailure()))
          .doesNotContain("Empty client certificate", "PEER_DID_NOT_RETURN");
      assertThat(outcome.echoed()).isEmpty();
    }
  }

  /** A client that presents its certificate of a foreign CA whatever CAs the server asks for. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void refusesAClientCertificateOfAnotherCa(SslProvider provider) throws Exception {
    CertificateAuthority rogue =
        CertificateAuthority.create("O=elsewhere,CN=rogue CA", KeyType.EC_P256, Duration.ofDays(1));
    KeyAndCertificate engine = rogue.issueClient("engine", KeyType.EC_P256, Duration.ofDays(1));
    SslContext client =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .keyManager(new AlwaysPresent(engine))
            .trustManager(caCert)
            .protocols(TlsContexts.PROTOCOLS)
            .build();
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
      TlsLoopback.Outcome outcome = loopback.exchange(client, "localhost", PING);

      assertThat(outcome.serverFailure()).isNotNull();
      assertThat(causes(outcome.serverFailure()))
          .doesNotContain("Empty client certificate", "PEER_DID_NOT_RETURN");
      assertThat(outcome.echoed()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void refusesAClientWithoutCertificate(SslProvider provider) throws Exception {
    SslContext anonymous =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .trustManager(caCert)
            .protocols(TlsContexts.PROTOCOLS)
            .build();
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
      TlsLoopback.Outcome outcome = loopback.exchange(anonymous, "localhost", PING);

      assertThat(outcome.serverFailure()).isNotNull();
      assertThat(outcome.echoed()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void clientRefusesAHostCertificateOfAnotherCa(SslProvider provider) throws Exception {
    CertificateAuthority rogue =
        CertificateAuthority.create("O=x,CN=rogue CA", KeyType.EC_P256, Duration.ofDays(1));
    KeyAndCertificate host =
        rogue.issueServer("localhost", List.of("localhost"), KeyType.EC_P256, Duration.ofDays(1));
    SslContext server =
        TlsContexts.server(
            host.privateKey(), List.of(host.certificate()), List.of(caCert), provider);
    try (TlsLoopback loopback = new TlsLoopback(server)) {
      TlsLoopback.Outcome outcome =
          loopback.exchange(TlsContexts.client(pki, false, provider), "localhost", PING);

      assertThat(outcome.clientFailure()).isNotNull();
      assertThat(outcome.echoed()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void hostNameVerificationAcceptsEveryNameAndAddressInTheCertificate(SslProvider provider)
      throws Exception {
    SslContext client = TlsContexts.client(pki, true, provider);
    for (String peer : List.of("host1.example.com", "localhost", "127.0.0.1", "192.0.2.10")) {
      try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
        TlsLoopback.Outcome outcome = loopback.exchange(client, peer, PING);

        assertThat(outcome.clientFailure()).as(peer).isNull();
        assertThat(outcome.echoed()).as(peer).isEqualTo(PING);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void hostNameVerificationRefusesANameNotInTheCertificate(SslProvider provider) throws Exception {
    for (String peer : List.of("other.example.com", "192.0.2.11")) {
      try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
        TlsLoopback.Outcome outcome =
            loopback.exchange(TlsContexts.client(pki, true, provider), peer, PING);

        assertThat(outcome.clientFailure()).as(peer).isNotNull();
        assertThat(outcome.echoed()).as(peer).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void withoutHostNameVerificationAnyNameIsAccepted(SslProvider provider) throws Exception {
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider))) {
      TlsLoopback.Outcome outcome =
          loopback.exchange(TlsContexts.client(pki, false, provider), "other.example.com", PING);

      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.echoed()).isEqualTo(PING);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void refusesAJdkClientWithOnlyTls11(SslProvider provider) throws Exception {
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(
        keyManagers(Pem.readPrivateKey(pki.engineKey()), Pem.readCertificate(pki.engineCert()))
            .getKeyManagers(),
        trustManagers(caCert).getTrustManagers(),
        new SecureRandom());
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider));
        Socket plain = connect(loopback.port());
        SSLSocket socket =
            (SSLSocket)
                jdk.getSocketFactory().createSocket(plain, "localhost", loopback.port(), true)) {
      socket.setEnabledProtocols(new String[] {"TLSv1.1"});

      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
    }
  }

  /**
   * A hand-made ClientHello offering only an old protocol version (no supported_versions
   * extension): the server must answer with an alert and close, never with a ServerHello. Unlike
   * the JDK client above (which the JDK's own policy may stop before it sends anything), this
   * reaches the server whatever the local security policy.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("oldVersions")
  void refusesOldProtocolVersionsOnTheWire(SslProvider provider, String name, int version)
      throws Exception {
    try (TlsLoopback loopback = new TlsLoopback(TlsContexts.server(pki, provider));
        Socket socket = connect(loopback.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(clientHello(version));
      out.flush();

      byte[] response = readUntilClosed(socket.getInputStream());
      assertThat(response).as("response to a %s ClientHello", name).isNotEmpty();
      assertThat(response[0])
          .as("TLS record type (21 = alert, 22 = handshake)")
          .isEqualTo((byte) 21);
    }
  }

  static Stream<Arguments> oldVersions() {
    List<Arguments> rows = new ArrayList<>();
    for (SslProvider provider : providers().toList()) {
      rows.add(Arguments.of(provider, "SSLv3", 0x0300));
      rows.add(Arguments.of(provider, "TLSv1", 0x0301));
      rows.add(Arguments.of(provider, "TLSv1.1", 0x0302));
    }
    return rows.stream();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "JDK", " openssl "})
  void providerPropertyForcesTheProvider(String value) {
    String previous = System.getProperty(TlsContexts.PROVIDER_PROPERTY);
    try {
      System.setProperty(TlsContexts.PROVIDER_PROPERTY, value);
      if (value.strip().equalsIgnoreCase("jdk")) {
        assertThat(TlsContexts.provider()).isEqualTo(SslProvider.JDK);
      } else if (OpenSsl.isAvailable()) {
        assertThat(TlsContexts.provider()).isEqualTo(SslProvider.OPENSSL);
      } else {
        assertThatThrownBy(TlsContexts::provider).isInstanceOf(IllegalStateException.class);
      }
      System.setProperty(TlsContexts.PROVIDER_PROPERTY, "boringssl");
      assertThatThrownBy(TlsContexts::provider)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(TlsContexts.PROVIDER_PROPERTY);
    } finally {
      if (previous == null) {
        System.clearProperty(TlsContexts.PROVIDER_PROPERTY);
      } else {
        System.setProperty(TlsContexts.PROVIDER_PROPERTY, previous);
      }
    }
  }

  @Test
  void defaultProviderIsOpenSslWhenAvailable() {
    if (System.getProperty(TlsContexts.PROVIDER_PROPERTY) == null) {
      assertThat(TlsContexts.provider())
          .isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }
  }

  @Test
  void contextsFromFilesNameTheBadFile() throws Exception {
    PkiLayout empty = new PkiLayout(tempDir.resolve("empty"));
    assertThatThrownBy(() -> TlsContexts.server(empty))
        .isInstanceOf(PemException.class)
        .hasMessageContaining(empty.hostCert().toString());
    // The engine's key does not belong to the host's certificate.
    assertThatThrownBy(() -> TlsContexts.server(pki.hostCert(), pki.engineKey(), pki.caCert()))
        .isInstanceOf(PemException.class)
        .hasMessageContaining(pki.engineKey().toString())
        .hasMessageContaining("does not belong");
  }

  @Test
  void handshakeTimeoutDefaultsToTenSeconds() {
    assertThat(TlsContexts.DEFAULT_HANDSHAKE_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
    assertThat(TlsContexts.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
  }

  // ---------------------------------------------------------------- helpers

  private static String causes(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }

  /** Offers one key and certificate for every request, ignoring the issuers the server asks for. */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final KeyAndCertificate credential;

    AlwaysPresent(KeyAndCertificate credential) {
      this.credential = credential;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {credential.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return credential.privateKey();
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TlsLoopback.WAIT.toMillis());
      socket.setSoTimeout((int) TlsLoopback.WAIT.toMillis());
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Reads until the server closes; a read that times out fails the test. */
  private static byte[] readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        received.write(buffer, 0, n);
        if (received.size() > 65536) {
          throw new AssertionError("server keeps talking to an old-version client");
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("server did not close within " + TlsLoopback.WAIT, e);
    } catch (IOException e) {
      // A reset after the alert is a close too.
      if (received.size() == 0) {
        throw e;
      }
    }
    return received.toByteArray();
  }

  /** A minimal ClientHello record with {@code version} as record and client version. */
  private static byte[] clientHello(int version) {
    ByteBuffer body = ByteBuffer.allocate(512);
    body.putShort((short) version); // client_version
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.put(random);
    body.put((byte) 0); // session_id
    int[] suites = {0xC009, 0xC013, 0xC00A, 0xC014, 0x002F, 0x0035, 0x00FF};
    body.putShort((short) (suites.length * 2));
    for (int suite : suites) {
      body.putShort((short) suite);
    }
    body.put((byte) 1).put((byte) 0); // compression: null
    ByteBuffer extensions = ByteBuffer.allocate(64);
    extensions
        .putShort((short) 0x000a)
        .putShort((short) 4)
        .putShort((short) 2)
        .putShort((short) 0x0017); // groups: P-256
    extensions
        .putShort((short) 0x000b)
        .putShort((short) 2)
        .put((byte) 1)
        .put((byte) 0); // point formats
    extensions.flip();
    body.putShort((short) extensions.remaining()).put(extensions);
    body.flip();

    ByteBuffer record = ByteBuffer.allocate(5 + 4 + body.remaining());
    record
        .put((byte) 22)
        .putShort((short) Math.min(version, 0x0301))
        .putShort((short) (4 + body.remaining()));
    record
        .put((byte) 1)
        .put((byte) 0)
        .putShort((short) body.remaining()); // handshake type + 24-bit length
    record.put(body);
    return record.array();
  }

  private static KeyManagerFactory keyManagers(PrivateKey key, X509Certificate cert)
      throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("engine", key, new char[0], new Certificate[] {cert});
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, new char[0]);
    return factory;
  }

  private static TrustManagerFactory trustManagers(X509Certificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }
}

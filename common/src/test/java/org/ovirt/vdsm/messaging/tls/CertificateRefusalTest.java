package org.ovirt.vdsm.messaging.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.testing.PkiFiles;

/**
 * Peers refused for their certificate over real mutual TLS on loopback, with each provider: an
 * expired, a not yet valid and a revoked client certificate on the host; a revoked and an expired
 * host certificate on the client. The refusal's root message (what a log line shows) names the
 * role, the subject, the serial number and the reason; the peer learns it from the TLS alert.
 */
class CertificateRefusalTest {
  private static final byte[] PING = "ping\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private PkiFiles pki;

  @BeforeEach
  void setUp() throws Exception {
    pki = PkiFiles.create(dir);
  }

  static Stream<Arguments> kindsAndProviders() {
    List<SslProvider> providers = new ArrayList<>(List.of(SslProvider.JDK));
    if (OpenSsl.isAvailable()) {
      providers.add(SslProvider.OPENSSL);
    }
    List<Arguments> rows = new ArrayList<>();
    for (String kind : List.of("expired", "not yet valid", "revoked")) {
      for (SslProvider provider : providers) {
        rows.add(Arguments.of(kind, provider));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} client certificate, {1}")
  @MethodSource("kindsAndProviders")
  void theHostRefusesTheClientCertificateWithOneClearReason(String kind, SslProvider provider)
      throws Exception {
    Instant now = Instant.now();
    KeyAndCertificate client =
        switch (kind) {
          case "expired" -> pki.expiredClient("engine-" + kind);
          case "not yet valid" -> pki.futureClient("engine-" + kind);
          default -> pki.client("engine-revoked", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        };
    if (kind.equals("revoked")) {
      pki.revoke(client.certificate());
    }
    String reason =
        switch (kind) {
          case "expired" -> "expired at " + client.certificate().getNotAfter().toInstant();
          case "not yet valid" -> "is not valid before " + client.certificate().getNotBefore().toInstant();
          default -> "is revoked (since ";
        };
    SslContext hostContext = TlsContexts.server(TlsMaterial.load(TlsFiles.host(pki.layout())), provider);
    SslContext clientContext = TlsContexts.client(materialOf(client), true, provider);

    try (TlsLoopback server = new TlsLoopback(hostContext)) {
      TlsLoopback.Outcome outcome = server.exchange(clientContext, "localhost", PING);

      assertThat(outcome.serverFailure()).isNotNull();
      assertThat(rootMessage(outcome.serverFailure()))
          .startsWith("client certificate CN=engine-" + kind + ",O=test (serial "
              + client.certificate().getSerialNumber().toString(16) + ")")
          .contains(reason);
      assertThat(outcome.clientFailure()).as("the client learns of the refusal").isNotNull();
      assertThat(outcome.echoed()).isEmpty();
      if (provider == SslProvider.OPENSSL) {
        // OpenSSL sends the alert matching the reason (RFC 8446 section 6.2).
        assertThat(messages(outcome.clientFailure()).toLowerCase(java.util.Locale.ROOT))
            .contains(kind.equals("revoked") ? "certificate_revoked" : "certificate_expired");
      }
    }
  }

  static Stream<SslProvider> providers() {
    return kindsAndProviders().map(a -> (SslProvider) a.get()[1]).distinct();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void theClientRefusesARevokedHostCertificate(SslProvider provider) throws Exception {
    pki.revoke(pki.host().certificate());
    SslContext hostContext =
        TlsContexts.server(TlsMaterial.load(TlsFiles.host(pki.layout()).withoutCrl()), provider);
    SslContext clientContext =
        TlsContexts.client(TlsMaterial.load(TlsFiles.engine(pki.layout())), true, provider);
    try (TlsLoopback server = new TlsLoopback(hostContext)) {
      TlsLoopback.Outcome outcome = server.exchange(clientContext, "localhost", PING);
      assertThat(outcome.clientFailure()).isNotNull();
      assertThat(messages(outcome.clientFailure()))
          .contains("server certificate CN=host,O=test (serial "
              + pki.host().certificate().getSerialNumber().toString(16) + ") is revoked");
      assertThat(outcome.echoed()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void theClientRefusesAnExpiredHostCertificate(SslProvider provider) throws Exception {
    Instant now = Instant.now();
    KeyAndCertificate expired = pki.ca().issueServer("host", PkiFiles.LOOPBACK,
        now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    SslContext hostContext = TlsContexts.server(
        new TlsMaterial(expired.privateKey(), List.of(expired.certificate()),
            List.of(pki.ca().certificate()), RevocationList.NONE), provider);
    SslContext clientContext =
        TlsContexts.client(TlsMaterial.load(TlsFiles.engine(pki.layout())), true, provider);
    try (TlsLoopback server = new TlsLoopback(hostContext)) {
      TlsLoopback.Outcome outcome = server.exchange(clientContext, "localhost", PING);
      assertThat(messages(outcome.clientFailure()))
          .contains("server certificate CN=host,O=test (serial "
              + expired.certificate().getSerialNumber().toString(16) + ") expired at "
              + expired.certificate().getNotAfter().toInstant());
    }
  }

  private TlsMaterial materialOf(KeyAndCertificate identity) {
    return new TlsMaterial(identity.privateKey(), List.of(identity.certificate()),
        List.of(pki.ca().certificate()), RevocationList.NONE);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** Every message of the cause chain, one a line. */
  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}

package org.ovirt.vdsm.messaging.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.internal.FakeStompPeer;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.RevocationListBuilder;

/**
 * Each TLS failure of {@code vdsm-client} over real loopback sockets, against a server of the JDK's
 * own TLS: one line on standard error that names the likely cause and the fix, exit 2, and a
 * working connection through the same front with the right certificate as the control.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsFailureAdviceTest {
  @TempDir Path dir;
  private CertificateAuthority ca;
  private PkiLayout client;
  private FakeStompPeer backend;

  @BeforeEach
  void start() throws IOException {
    ca = TestPki.ca("engine-ca");
    client = TestPki.engineDir(dir.resolve("client"), ca);
    backend = new FakeStompPeer();
    backend.answerer = body -> "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":"
        + com.google.gson.JsonParser.parseString(body).getAsJsonObject().get("id") + "}";
  }

  @AfterEach
  void stop() throws Exception {
    backend.close();
  }

  private TlsFront front(KeyAndCertificate serverMaterial, CertificateAuthority trusted, String name) throws IOException {
    PkiLayout server = TestPki.hostDir(dir.resolve(name), trusted, serverMaterial);
    return new TlsFront(server.hostKey(), server.hostCert(), server.caCert(), backend.port());
  }

  private ToolRun ping(String host, int port) {
    return ToolRun.of("--host", host, "--port", String.valueOf(port), "--pki-dir", client.root().toString(),
        "--timeout", "10", "Host", "ping2");
  }

  private static void assertOneLine(ToolRun r, String... expected) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.NO_ANSWER);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).as(r.toString()).hasSize(1);
    assertThat(r.errLine()).startsWith("vdsm-client: ").contains(expected).doesNotContain("Exception");
  }

  @Test
  void theRightCertificatesConnect() throws IOException {
    try (TlsFront front = front(TestPki.host(ca), ca, "good")) {
      ToolRun r = ping("localhost", front.port());
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out().strip()).isEqualTo("true");
    }
  }

  @Test
  void aPlainPortThatAnswersInTextIsNamedAsSuch() throws IOException {
    try (ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread answerer = new Thread(() -> {
        try (Socket s = plain.accept(); InputStream in = s.getInputStream()) {
          in.read(new byte[5]);
          // what a plain STOMP server says to bytes it cannot parse, then closes
          s.getOutputStream().write("ERROR\nmessage:malformed frame\n\n\0".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        } catch (IOException ignored) {
          // the test ends
        }
      });
      answerer.setDaemon(true);
      answerer.start();
      assertOneLine(ping("127.0.0.1", plain.getLocalPort()), "answered in plain text", "plain-TCP port", "--tls off");
    }
  }

  @Test
  void aPlainPortThatWaitsForMoreIsHintedAtWhenTheConnectTimesOut() throws IOException {
    try (ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      ToolRun r = ToolRun.of("--host", "127.0.0.1", "--port", String.valueOf(plain.getLocalPort()), "--pki-dir",
          client.root().toString(), "--timeout", "1", "Host", "ping2");
      assertOneLine(r, "timed out", "plain-TCP port", "--tls off");
    }
  }

  @Test
  void aPlainPortThatClosesSilentlyIsNamedAsSuch() throws IOException {
    try (ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread closer = new Thread(() -> {
        try (Socket s = plain.accept(); InputStream in = s.getInputStream()) {
          in.read(new byte[5]); // the start of the ClientHello, not understood: close, as a plain host does
        } catch (IOException ignored) {
          // the test ends
        }
      });
      closer.setDaemon(true);
      closer.start();
      assertOneLine(ping("127.0.0.1", plain.getLocalPort()), "plain-TCP port", "--tls off");
    }
  }

  @Test
  void aHostCertificateOfAnotherCaIsNamedAsSuch() throws IOException {
    CertificateAuthority other = TestPki.ca("other-ca");
    try (TlsFront front = front(TestPki.host(other), ca, "other")) {
      assertOneLine(ping("localhost", front.port()), "not signed by the CA this client trusts",
          client.caCert().toString(), "--pki-dir");
    }
  }

  @Test
  void anExpiredHostCertificateIsNamedAsSuch() throws IOException {
    KeyAndCertificate expiring = ca.issueServer("localhost", List.of("localhost", "127.0.0.1"), KeyType.EC_P256,
        Duration.ofSeconds(1));
    Instant notAfter = expiring.certificate().getNotAfter().toInstant();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> Instant.now().isAfter(notAfter.plusMillis(1_000)));
    try (TlsFront front = front(expiring, ca, "expired")) {
      assertOneLine(ping("localhost", front.port()), "expired on", "renew the host's certificate");
    }
  }

  @Test
  void aRevokedHostCertificateIsNamedAsSuch() throws IOException {
    KeyAndCertificate host = TestPki.host(ca);
    new RevocationListBuilder(ca).revoke(host.certificate()).writeTo(client.crl());
    try (TlsFront front = front(host, ca, "revoked")) {
      assertOneLine(ping("localhost", front.port()), "the certificate of localhost:" + front.port(),
          "serial " + host.certificate().getSerialNumber().toString(16), "is revoked by the CA's revocation list");
    }
  }

  @Test
  void aHostCertificateNotValidYetIsNamedAsSuch() throws IOException {
    Instant now = Instant.now();
    KeyAndCertificate future = ca.issueServer("localhost", List.of("localhost", "127.0.0.1"),
        now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(20)));
    try (TlsFront front = front(future, ca, "future")) {
      assertOneLine(ping("localhost", front.port()),
          "is not valid before " + future.certificate().getNotBefore().toInstant(), "check the clocks");
    }
  }

  @Test
  void aHostCertificateForAnotherNameIsNamedAsSuch() throws IOException {
    KeyAndCertificate elsewhere = ca.issueServer("elsewhere.example", List.of("elsewhere.example"), KeyType.EC_P256,
        Duration.ofDays(1));
    try (TlsFront front = front(elsewhere, ca, "elsewhere")) {
      assertOneLine(ping("127.0.0.1", front.port()), "does not name '127.0.0.1'", "--host");
    }
  }

  @Test
  void aHostThatRefusesTheClientCertificateIsNamedAsSuch() throws IOException {
    CertificateAuthority other = TestPki.ca("other-ca");
    KeyAndCertificate host = TestPki.host(ca);
    PkiLayout server = TestPki.hostDir(dir.resolve("picky"), ca, host);
    // the host presents a certificate of the client's CA but trusts only another CA
    PkiLayout otherCa = TestPki.withCa(dir.resolve("picky-trust"), other);
    try (TlsFront front = new TlsFront(server.hostKey(), server.hostCert(), otherCa.caCert(), backend.port())) {
      assertOneLine(ping("localhost", front.port()), "refused this client's certificate",
          client.engineCert().toString());
    }
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Phase 1 end to end: the engine client calls the host server with JSON-RPC over STOMP over mutual
 * TLS on loopback, with certificates generated at test time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Phase1StompTlsTest {
  private static final long WAIT_S = 20;

  @TempDir static Path dir;

  static TestHost host;
  static EngineClientFactory factory;
  static HostClient client;

  @BeforeAll
  static void start() throws Exception {
    host = TestHost.startTls(dir.resolve("host"));
    factory = EngineClientFactory.builder().pki(host.pki).defaultTimeout(Duration.ofSeconds(WAIT_S)).build();
    client = factory.connect("localhost", host.port()).get(WAIT_S, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (factory != null) {
      factory.close();
    }
    if (host != null) {
      host.close();
    }
  }

  @Test
  void ping2ReturnsTrue() throws Exception {
    assertThat(client.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
  }

  @Test
  void echoReturnsTheMessage() throws Exception {
    JsonObject params = new JsonObject();
    params.addProperty("message", "hello, host \u00e9\u4e2d \"quoted\" <tag>");
    assertThat(client.call("Host.echo", params).get(WAIT_S, TimeUnit.SECONDS).getAsString())
        .isEqualTo("hello, host \u00e9\u4e2d \"quoted\" <tag>");
  }

  @Test
  void echoCarriesOneMebibyteMessage() throws Exception {
    StringBuilder big = new StringBuilder(1 << 20);
    for (int i = 0; big.length() < (1 << 20); i++) {
      big.append((char) ('a' + i % 26));
    }
    JsonObject params = new JsonObject();
    params.addProperty("message", big.toString());
    String answer = client.call("Host.echo", params).get(WAIT_S, TimeUnit.SECONDS).getAsString();
    assertThat(answer).hasSize(1 << 20).isEqualTo(big.toString());
  }

  @Test
  void echoTakesPositionalParams() throws Exception {
    com.google.gson.JsonArray params = new com.google.gson.JsonArray();
    params.add("by position");
    assertThat(client.call("Host.echo", params).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("by position");
  }

  @Test
  void getCapabilitiesDescribesThisMachine() throws Exception {
    JsonObject caps = client.call("Host.getCapabilities", null).get(WAIT_S, TimeUnit.SECONDS).getAsJsonObject();
    assertThat(caps.get("cpuThreads").getAsString())
        .isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
    assertThat(Long.parseLong(caps.get("memSize").getAsString())).isPositive();
    assertThat(caps.get("hostname").getAsString()).isNotBlank();
    assertThat(caps.get("cpuModel").getAsString()).isNotBlank();
    assertThat(caps.get("kernelRelease").getAsString()).isEqualTo(
        Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
    assertThat(caps.getAsJsonObject("operatingSystem").get("name").getAsString()).isNotBlank();
    assertThat(caps.get("version_name").getAsString()).isEqualTo("vdsm-messaging");
    assertThat(caps.has("software_version")).isTrue();
  }

  @Test
  void unknownMethodIsMethodNotFoundNamingTheMethod() {
    assertThatThrownBy(() -> client.call("Host.noSuchVerb", null).get(WAIT_S, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(JsonRpcErrorException.class)
        .satisfies(e -> {
          JsonRpcErrorException rpc = (JsonRpcErrorException) e;
          assertThat(rpc.code()).isEqualTo(JsonRpcError.METHOD_NOT_FOUND);
          assertThat(rpc.error().message()).contains("Host.noSuchVerb");
        });
  }

  @Test
  void manyConcurrentCallsOnOneConnectionAreAllAnswered() throws Exception {
    int n = 500;
    List<java.util.concurrent.CompletableFuture<JsonElement>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject p = new JsonObject();
      p.addProperty("message", "m" + i);
      calls.add(client.call("Host.echo", p));
    }
    for (int i = 0; i < n; i++) {
      assertThat(calls.get(i).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("m" + i);
    }
    assertThat(client.pendingCalls()).isZero();
  }

  @Test
  void clientCertificateFromAnotherCaIsRefused() throws Exception {
    // Trusts the right CA, but presents an engine certificate issued by a foreign CA.
    PkiLayout foreign = DevelopmentPki.generate(dir.resolve("foreign"), "localhost", List.of(), KeyType.EC_P256);
    Files.copy(host.pki.caCert(), foreign.caCert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (EngineClientFactory other = EngineClientFactory.builder().pki(foreign).connectTimeout(Duration.ofSeconds(WAIT_S)).build()) {
      assertThatThrownBy(() -> {
            HostClient c = other.connect("localhost", host.port()).get(WAIT_S, TimeUnit.SECONDS);
            // TLS 1.3: the server checks the client certificate after the client's handshake ends.
            c.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS);
          })
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConnectionLostException.class);
    }
  }

  @Test
  void clientWithoutCertificateIsRefused() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustOnly(host.pki.caCert()).getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", host.port())) {
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
      byte[] connect = StompFrameEncoder.encode(
          StompFrame.builder(StompCommand.CONNECT).header(StompHeaders.ACCEPT_VERSION, "1.2").header(StompHeaders.HOST, "x").build());
      assertThatThrownBy(() -> {
            socket.startHandshake();
            OutputStream o = socket.getOutputStream();
            o.write(connect);
            o.flush();
            InputStream in = socket.getInputStream();
            if (in.read() == -1) {
              throw new IOException("closed by the host");
            }
          })
          .isInstanceOf(IOException.class);
    }
  }

  private static TrustManagerFactory trustOnly(Path caPem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      ks.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf;
  }

  @Test
  void connectionMessageNamesTheHostWhenNothingListens() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> factory.connect("127.0.0.1", closedPort).get(WAIT_S, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ConnectionLostException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort);
  }
}

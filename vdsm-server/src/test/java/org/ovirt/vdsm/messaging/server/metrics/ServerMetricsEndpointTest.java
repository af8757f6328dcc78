package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.StompSettings;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.guard.GuardSettings;
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The host's metrics as a Prometheus server sees them: a real server on loopback over mutual TLS,
 * real calls over STOMP and XML-RPC, and the metrics endpoint scraped before and after.
 */
class ServerMetricsEndpointTest {
  private static final Duration READ = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private static PkiLayout pki;
  private static SSLContext engineTls;

  private PrometheusMeterRegistry registry;
  private VdsmServer server;
  private InetSocketAddress address;
  private MetricsEndpoint endpoint;

  @BeforeAll
  static void pki() throws IOException {
    pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    engineTls = JdkSslContexts.engine(pki);
  }

  @BeforeEach
  void start() throws IOException {
    registry = MetricsOptions.newRegistry();
    server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki), SimulationSettings.defaults(), registry);
    address = server.start();
    endpoint = MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry::scrape);
  }

  @AfterEach
  void stop() {
    if (endpoint != null) {
      endpoint.close();
    }
    server.close();
  }

  private RawStompClient stompClient() throws IOException {
    RawStompClient c = new RawStompClient(engineTls.getSocketFactory(), address, READ);
    assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    c.send("SUBSCRIBE\nid:r\ndestination:jms.topic.vdsm_responses\nack:auto\nreceipt:s\n\n\0");
    assertThat(c.readFrame().header("receipt-id")).isEqualTo("s");
    return c;
  }

  private static String call(RawStompClient c, String method) throws IOException {
    return send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":\"1\"}");
  }

  private static String send(RawStompClient c, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    c.send("SEND\ndestination:jms.topic.vdsm_requests\nreply-to:jms.topic.vdsm_responses\ncontent-length:"
        + body.length + "\n\n" + new String(body, StandardCharsets.UTF_8) + "\0");
    RawStompClient.Frame answer = c.readFrame();
    assertThat(answer.command()).isEqualTo("MESSAGE");
    return answer.bodyText();
  }

  private String xmlRpcCall(String verb) throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(engineTls).connectTimeout(READ).build();
    String body = "<?xml version=\"1.0\"?><methodCall><methodName>" + verb + "</methodName><params></params></methodCall>";
    HttpResponse<String> response = https.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + address.getPort() + "/RPC2"))
            .timeout(READ).header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void servesEveryFamilyBeforeAnyTraffic() throws Exception {
    Scrape s = Scrape.of(endpoint.url());
    for (String family : List.of("vdsm_connections", "vdsm_connections_opened_total", "vdsm_tls_handshake_failures_total",
        "vdsm_heartbeat_losses_total", "vdsm_slow_consumers_cut_total", "vdsm_broker_subscriptions",
        "vdsm_broker_messages_dropped_total", "vdsm_guard_refusals_total", "vdsm_guard_partial_frame_bytes",
        "vdsm_guard_pending_write_bytes", "vdsm_info", "jvm_memory_used_bytes")) {
      assertThat(s.hasFamily(family)).as(family + " in\n" + s.text()).isTrue();
    }
    assertThat(s.value("vdsm_connections{protocol=\"stomp+tls\"}")).isZero();
    assertThat(s.value("vdsm_tls_handshake_failures_total{reason=\"untrusted_certificate\"}")).isZero();
    assertThat(s.value("vdsm_guard_refusals_total{guard=\"max_connections_per_address\"}")).isZero();
    assertThat(s.text()).doesNotContain("vdsm_calls_total{"); // a method's series appear with its first call
  }

  @Test
  void callsOverStompAndXmlRpcMoveTheCountersAndTheHistogram() throws Exception {
    try (RawStompClient c = stompClient()) {
      assertThat(call(c, "Host.getCapabilities")).contains("\"result\"");
      assertThat(call(c, "Host.noSuchMethod")).contains("-32601");
      assertThat(send(c, "{\"jsonrpc\":")).contains("-32700");
      assertThat(xmlRpcCall("getVdsCapabilities")).contains("<methodResponse>");

      Scrape s = Scrape.of(endpoint.url());
      assertThat(s.value("vdsm_calls_total{method=\"Host.getCapabilities\",outcome=\"ok\"}")).isEqualTo(2.0);
      assertThat(s.value("vdsm_calls_total{method=\"Host.getCapabilities\",outcome=\"timeout\"}")).isZero();
      assertThat(s.value("vdsm_calls_total{method=\"other\",outcome=\"request_error\"}")).isEqualTo(2.0);
      assertThat(s.text()).doesNotContain("noSuchMethod");
      assertThat(s.value("vdsm_call_duration_seconds_count{method=\"Host.getCapabilities\"}")).isEqualTo(2.0);
      assertThat(s.value("vdsm_call_duration_seconds_bucket{method=\"Host.getCapabilities\",le=\"+Inf\"}")).isEqualTo(2.0);
      assertThat(s.value("vdsm_call_duration_seconds_sum{method=\"Host.getCapabilities\"}")).isPositive();
      assertThat(s.value("vdsm_connections{protocol=\"stomp+tls\"}")).isEqualTo(1.0);
      assertThat(s.value("vdsm_connections_opened_total{protocol=\"stomp+tls\"}")).isEqualTo(1.0);
      assertThat(s.value("vdsm_connections_opened_total{protocol=\"xmlrpc+tls\"}")).isEqualTo(1.0);
      assertThat(s.value("vdsm_broker_subscriptions")).isEqualTo(1.0);
    }
    await().atMost(WAIT).untilAsserted(() -> {
      Scrape after = Scrape.of(endpoint.url());
      assertThat(after.value("vdsm_connections{protocol=\"stomp+tls\"}")).isZero();
      assertThat(after.value("vdsm_broker_subscriptions")).isZero();
    });
  }

  @Test
  void failedTlsHandshakesAreCountedByReason() throws Exception {
    try (Socket plain = new Socket()) {
      plain.connect(address, (int) READ.toMillis());
      plain.setSoTimeout((int) READ.toMillis());
      OutputStream out = plain.getOutputStream();
      out.write("CONNECT\naccept-version:1.2\n\n\0".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(plain.getInputStream().read()).isEqualTo(-1); // closed by the host
    }
    SSLContext noCertificate = JdkSslContexts.of(null, null, pki.caCert());
    try (SSLSocket tls = (SSLSocket) noCertificate.getSocketFactory().createSocket()) {
      tls.connect(address, (int) READ.toMillis());
      tls.setSoTimeout((int) READ.toMillis());
      try {
        tls.startHandshake();
        tls.getInputStream().read(); // TLS 1.3: the refusal arrives after the client's handshake ends
      } catch (IOException expected) {
        // refused by the host, as it should be
      }
    }
    await().atMost(WAIT).untilAsserted(() -> {
      Scrape s = Scrape.of(endpoint.url());
      assertThat(s.value("vdsm_tls_handshake_failures_total{reason=\"not_tls\"}")).isEqualTo(1.0);
      assertThat(s.value("vdsm_tls_handshake_failures_total{reason=\"no_client_certificate\"}")).as(s.text()).isEqualTo(1.0);
    });
  }

  @Test
  void aSilentPeerIsCountedAsAHeartBeatLoss() throws Exception {
    try (RawStompClient c = new RawStompClient(engineTls.getSocketFactory(), address, READ)) {
      // "1000,0": the client promises a heart-beat every second, then sends nothing more.
      assertThat(c.connect("1000,0").readFrame().command()).isEqualTo("CONNECTED");
      await().atMost(WAIT).untilAsserted(
          () -> assertThat(Scrape.of(endpoint.url()).value("vdsm_heartbeat_losses_total")).isEqualTo(1.0));
    }
  }

  @Test
  void guardRefusalsAreCounted() throws Exception {
    PrometheusMeterRegistry own = MetricsOptions.newRegistry();
    VdsmServerConfig guarded = VdsmServerConfig.plain("127.0.0.1", 0).withStomp(StompSettings.DEFAULTS.withGuards(
        GuardSettings.DEFAULTS.withConnectionLimits(100, 1).withFrameCompletionTimeout(Duration.ofMillis(300))));
    try (VdsmServer small = VdsmServer.withDefaultApi(guarded, SimulationSettings.defaults(), own)) {
      InetSocketAddress at = small.start();
      try (RawStompClient first = new RawStompClient(at, READ)) {
        assertThat(first.connect("0,0").readFrame().command()).isEqualTo("CONNECTED"); // counted by now
        try (RawStompClient second = new RawStompClient(at, READ)) {
          assertThat(second.isClosedByPeer()).isTrue(); // refused: one connection per address
        }
        first.send("SEND\ndestination:jms.topic.x\n"); // a frame begun, never finished
        assertThat(first.readFrame().header("message")).isEqualTo("frame not completed in time");
      }
      Scrape s = Scrape.parse(own.scrape());
      assertThat(s.value("vdsm_guard_refusals_total{guard=\"max_connections_per_address\"}")).isEqualTo(1.0);
      assertThat(s.value("vdsm_guard_refusals_total{guard=\"frame_timeout\"}")).isEqualTo(1.0);
      assertThat(s.value("vdsm_guard_refusals_total{guard=\"max_connections\"}")).isZero();
    }
  }
}

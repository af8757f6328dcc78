package org.ovirt.vdsm.messaging.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.ExitCodes;

/** {@code vdsm-client --metrics}: a readable summary of an endpoint, and one-line failures. */
class MetricsSummaryTest {
  private static final String EXPOSITION = String.join("\n",
      "# HELP vdsm_calls_total JSON-RPC and XML-RPC calls answered, by method and outcome",
      "# TYPE vdsm_calls_total counter",
      "vdsm_calls_total{method=\"Host.getCapabilities\",outcome=\"ok\"} 12.0",
      "vdsm_calls_total{method=\"Host.getCapabilities\",outcome=\"api_error\"} 1.0",
      "vdsm_calls_total{method=\"Host.getCapabilities\",outcome=\"timeout\"} 0.0",
      "vdsm_calls_total{method=\"VM.create\",outcome=\"refused\"} 3.0",
      "vdsm_call_duration_seconds_bucket{method=\"Host.getCapabilities\",le=\"0.001\"} 5",
      "vdsm_call_duration_seconds_count{method=\"Host.getCapabilities\"} 13",
      "vdsm_call_duration_seconds_sum{method=\"Host.getCapabilities\"} 0.026",
      "# HELP vdsm_connections Connections open now, by detected protocol",
      "# TYPE vdsm_connections gauge",
      "vdsm_connections{protocol=\"stomp+tls\"} 2.0",
      "vdsm_connections{protocol=\"xmlrpc\"} 0.0",
      "vdsm_tls_handshake_failures_total{reason=\"untrusted_certificate\"} 4.0",
      "jvm_threads_live_threads 33.0",
      "");

  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body = EXPOSITION.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void printsATableOfCallsAndTheOtherFiguresThatAreNotZero() {
    ToolRun run = ToolRun.of("--metrics", Integer.toString(server.getAddress().getPort()));
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out().lines()).containsSubsequence(
        "metrics of http://127.0.0.1:" + server.getAddress().getPort() + "/metrics",
        "method                                           ok   errors timeouts  refused    mean ms",
        "Host.getCapabilities                             12        1        0        0       2.00",
        "VM.create                                         0        0        0        3          -",
        "other figures (zeros left out):");
    assertThat(run.out()).contains("vdsm_connections{protocol=\"stomp+tls\"}")
        .contains("vdsm_tls_handshake_failures_total{reason=\"untrusted_certificate\"}")
        .doesNotContain("xmlrpc").doesNotContain("jvm_threads");
  }

  @Test
  void acceptsAFullUrlAndHostPort() {
    int port = server.getAddress().getPort();
    assertThat(ToolRun.of("--metrics", "http://127.0.0.1:" + port + "/metrics").exit()).isZero();
    assertThat(ToolRun.of("--metrics", "127.0.0.1:" + port).exit()).isZero();
  }

  @Test
  void nothingListeningIsNoAnswerInOneLine() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ToolRun run = ToolRun.of("--metrics", Integer.toString(closed), "--timeout", "5");
    assertThat(run.exit()).isEqualTo(ExitCodes.NO_ANSWER);
    assertThat(run.err().lines()).singleElement().asString()
        .startsWith("vdsm-client: cannot read http://127.0.0.1:" + closed + "/metrics").contains("--metrics-port");
  }

  @Test
  void aWrongPathIsNamed() {
    ToolRun run = ToolRun.of("--metrics", "http://127.0.0.1:" + server.getAddress().getPort() + "/nothing");
    assertThat(run.exit()).isEqualTo(ExitCodes.NO_ANSWER);
    assertThat(run.err()).contains("answered HTTP 404");
  }

  @Test
  void badUsageIsSixtyFour() {
    assertThat(ToolRun.of("--metrics", "ftp://x/metrics").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(ToolRun.of("--metrics", "9100", "Host", "getCapabilities").exit()).isEqualTo(ExitCodes.USAGE);
  }
}

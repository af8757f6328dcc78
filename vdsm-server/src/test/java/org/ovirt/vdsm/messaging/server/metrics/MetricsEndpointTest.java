package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The metrics port speaks just enough HTTP/1.1: {@code GET /metrics} and nothing else, one request
 * per connection, byte-exact status lines, checked with a raw socket.
 */
class MetricsEndpointTest {
  private static final String BODY = "# HELP x_total x\n# TYPE x_total counter\nx_total 1.0\n";
  private final AtomicInteger scrapes = new AtomicInteger();
  private MetricsEndpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    endpoint = MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> {
      scrapes.incrementAndGet();
      return BODY;
    });
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  /** Sends {@code request} and reads the whole answer until the endpoint closes the connection. */
  private String exchange(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(endpoint.address(), 10_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // ends when the endpoint closes
    }
  }

  @Test
  void getMetricsIsTheScrapeThenClose() throws IOException {
    String answer = exchange("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n")
        .contains("\r\ncontent-type: text/plain; version=0.0.4; charset=utf-8\r\n")
        .contains("\r\ncontent-length: " + BODY.length() + "\r\n")
        .contains("\r\nconnection: close\r\n")
        .endsWith("\r\n\r\n" + BODY);
    assertThat(scrapes).hasValue(1);
  }

  @Test
  void aQueryStringIsIgnored() throws IOException {
    assertThat(exchange("GET /metrics?name[]=x HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"POST", "PUT", "DELETE", "HEAD", "OPTIONS"})
  void otherMethodsAre405WithAllow(String method) throws IOException {
    String answer = exchange(method + " /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("\r\nallow: GET\r\n");
    assertThat(scrapes).hasValue(0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/", "/metrics/", "/RPC2", "/metricsx", "http://elsewhere/metrics"})
  void otherPathsAre404(String path) throws IOException {
    assertThat(exchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found\r\n");
    assertThat(scrapes).hasValue(0);
  }

  @Test
  void anOverlongRequestLineIs400() throws IOException {
    String answer = exchange("GET /" + "a".repeat(MetricsEndpoint.MAX_LINE + 10) + " HTTP/1.1\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n");
  }

  @Test
  void notHttpIs400() throws IOException {
    assertThat(exchange("\u0016\u0003\u0001 hello\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
  }
}

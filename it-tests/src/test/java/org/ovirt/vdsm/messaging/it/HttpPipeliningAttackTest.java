package org.ovirt.vdsm.messaging.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.detector.TlsMode;

/**
 * HTTP/1.1 pipelining on the legacy XML-RPC binding (issue 12, defect 7): requests sent back to back
 * on one connection are answered in order up to the bound, then the next one gets {@code 503} with
 * {@code Connection: close}; before, more than 16 closed the connection with none answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpPipeliningAttackTest {
  @TempDir static Path dir;
  static TestHost host;

  @BeforeAll
  static void start() throws Exception {
    host = TestHost.start(dir, c -> c.withTlsMode(TlsMode.OPTIONAL));
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  /** One parsed HTTP response. */
  record Response(int status, Map<String, String> headers, String body) {}

  private static String ping() {
    String body = "<?xml version=\"1.0\"?><methodCall><methodName>ping</methodName><params></params></methodCall>";
    return "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c == -1) {
        throw new IOException("closed inside a response");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(US_ASCII);
  }

  /** Reads one response; null when the server has closed the connection instead. */
  private static Response read(InputStream in) throws IOException {
    in.mark(1);
    String status;
    try {
      status = line(in);
    } catch (IOException e) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
    }
    byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, UTF_8));
  }

  /**
   * Sends {@code requests} pings back to back and reads what comes: 200s in order, then either the
   * end (all answered) or one 503 with {@code Connection: close} and the end of the stream.
   *
   * @return how many were answered 200, and whether a 503 came
   */
  private static Object[] pipeline(Socket s, int requests) throws Exception {
    s.setSoTimeout(30_000);
    s.getOutputStream().write(ping().repeat(requests).getBytes(UTF_8));
    s.getOutputStream().flush();
    InputStream in = new java.io.BufferedInputStream(s.getInputStream());
    int ok = 0;
    while (ok < requests) {
      Response r = read(in);
      assertThat(r).as("response %d", ok).isNotNull();
      if (r.status() == 503) {
        assertThat(r.headers()).containsEntry("connection", "close").containsEntry("retry-after", "1");
        assertThat(r.body()).startsWith("Too many pipelined requests");
        assertThat(in.read()).isEqualTo(-1);
        return new Object[] {ok, true};
      }
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).contains("<name>status</name>");
      ok++;
    }
    return new Object[] {ok, false};
  }

  private static Socket plain() throws IOException {
    return new Socket("127.0.0.1", host.port());
  }

  private static Socket tls() throws IOException {
    javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) host.engineSslContext().getSocketFactory()
        .createSocket("127.0.0.1", host.port());
    s.startHandshake();
    return s;
  }

  @Test
  void seventeenPipelinedRequestsAreAllAnswered() throws Exception {
    try (Socket s = tls()) {
      assertThat(pipeline(s, 17)).containsExactly(17, false); // the one being answered and 16 waiting
    }
  }

  @Test
  void aHundredPipelinedRequestsInOneTlsRecordGetSeventeenAnswersThen503() throws Exception {
    // The first TLS record holds about 80 requests: they reach the server at once.
    try (Socket s = tls()) {
      assertThat(pipeline(s, 100)).containsExactly(17, true);
    }
  }

  @Test
  void pipelinedPlaintextRequestsAreAnsweredInOrderOrRefusedCleanly() throws Exception {
    for (int requests : new int[] {20, 100}) {
      try (Socket s = plain()) {
        Object[] outcome = pipeline(s, requests);
        // However the bytes were split into reads: at least 17 answered, then all or one 503.
        assertThat((int) outcome[0]).isGreaterThanOrEqualTo(17);
        assertThat((boolean) outcome[1] || (int) outcome[0] == requests).isTrue();
      }
    }
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonPrimitive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodec;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcFault;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcResponse;
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;
import org.ovirt.vdsm.messaging.testing.RawStompClient;

/**
 * Hostile and broken clients against the one port, with raw sockets: unknown protocols, silence,
 * too few bytes, a byte at a time, the wrong side of TLS, an XXE body, and hundreds of idle
 * half-open connections while a real client is served. Detection times out after {@value
 * #DETECTION_MS} ms here (10 s by default).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
  private static final long DETECTION_MS = 300;
  private static final Duration READ = Duration.ofSeconds(10);
  private static final String CONNECT = "CONNECT\naccept-version:1.2\nhost:null\n\n\0";

  @TempDir static Path dir;

  static TestHost plain;
  static TestHost tls;
  static SSLContext engineTls;

  private static VdsmServerConfig shortTimeouts(VdsmServerConfig c) {
    // A short detection timeout (what these tests measure), but a handshake timeout that a TLS
    // handshake on a loaded machine cannot run into (no test here is about the handshake timeout).
    return c.withTimeouts(READ, Duration.ofMillis(DETECTION_MS));
  }

  @BeforeAll
  static void start() throws Exception {
    plain = TestHost.start(dir.resolve("plain"), c -> shortTimeouts(c).withTlsMode(TlsMode.OFF));
    tls = TestHost.start(dir.resolve("tls"), HostileInputTest::shortTimeouts);
    engineTls = JdkSslContexts.engine(tls.pki);
  }

  @AfterAll
  static void stop() {
    for (TestHost h : new TestHost[] {plain, tls}) {
      if (h != null) {
        h.close();
      }
    }
  }

  private static Socket connect(TestHost host) throws IOException {
    Socket s = new Socket();
    s.connect(host.address, (int) READ.toMillis());
    s.setSoTimeout((int) READ.toMillis());
    s.setTcpNoDelay(true);
    return s;
  }

  /** Waits (within the read deadline) for the server to close; true when it did. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        int b = in.read();
        if (b == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException | SSLException e) {
      return true; // reset
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** The plain host still answers a STOMP client: the server kept serving. */
  private static void assertPlainHostServes() throws IOException {
    try (RawStompClient c = new RawStompClient(plain.address, READ)) {
      assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    }
  }

  @Test
  void unknownProtocolIsClosedAtOnce() throws Exception {
    try (Socket s = connect(plain)) {
      long start = System.nanoTime();
      s.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(closedByServer(s)).isTrue();
      assertThat(millisSince(start)).isLessThan(DETECTION_MS);
    }
    assertPlainHostServes();
  }

  @Test
  void silentConnectionIsClosedAtTheDetectionTimeout() throws Exception {
    for (TestHost host : List.of(plain, tls)) {
      try (Socket s = connect(host)) {
        long start = System.nanoTime();
        assertThat(closedByServer(s)).isTrue();
        assertThat(millisSince(start)).isBetween(DETECTION_MS - 50, DETECTION_MS + 5_000);
      }
    }
  }

  @Test
  void threeByteConnectionIsClosedAtTheDetectionTimeout() throws Exception {
    try (Socket s = connect(plain)) {
      long start = System.nanoTime();
      s.getOutputStream().write("CON".getBytes(StandardCharsets.US_ASCII));
      assertThat(closedByServer(s)).isTrue();
      assertThat(millisSince(start)).isBetween(DETECTION_MS - 50, DETECTION_MS + 5_000);
    }
  }

  @Test
  void byteAtATimeStompConnectGetsConnected() throws Exception {
    try (RawStompClient c = new RawStompClient(plain.address, READ)) {
      for (byte b : CONNECT.getBytes(StandardCharsets.US_ASCII)) {
        c.send(new byte[] {b});
      }
      RawStompClient.Frame connected = c.readFrame();
      assertThat(connected.command()).isEqualTo("CONNECTED");
      assertThat(connected.header("version")).isEqualTo("1.2");
    }
  }

  @Test
  void byteAtATimeXmlRpcPostIsAnswered() throws Exception {
    String body = new String(XmlRpcCodec.encodeCall("ping", List.of()), StandardCharsets.UTF_8);
    String request = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
    try (Socket s = connect(plain)) {
      for (byte b : request.getBytes(StandardCharsets.UTF_8)) {
        s.getOutputStream().write(b);
      }
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200 OK").contains("<name>message</name><value><string>Done</string>");
    }
  }

  @Test
  void tlsClientAgainstAPlaintextOnlyPortIsClosed() throws Exception {
    try (SSLSocket s = (SSLSocket) engineTls.getSocketFactory().createSocket()) {
      s.connect(plain.address, (int) READ.toMillis());
      s.setSoTimeout((int) READ.toMillis());
      assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
    }
    assertPlainHostServes();
  }

  @Test
  void plaintextAgainstATlsOnlyPortIsClosed() throws Exception {
    try (Socket s = connect(tls)) {
      long start = System.nanoTime();
      s.getOutputStream().write(CONNECT.getBytes(StandardCharsets.US_ASCII));
      assertThat(closedByServer(s)).isTrue();
      assertThat(millisSince(start)).isLessThan(DETECTION_MS);
    }
    try (Socket s = connect(tls)) {
      s.getOutputStream().write("POST /RPC2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(closedByServer(s)).isTrue();
    }
    // ...and the TLS port still serves TLS clients.
    try (EngineClientFactory f = EngineClientFactory.builder().pki(tls.pki).defaultTimeout(READ).build()) {
      HostClient c = f.connect("localhost", tls.port()).get(READ.toSeconds(), TimeUnit.SECONDS);
      assertThat(c.call("Host.ping2", null).get(READ.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
      c.close();
    }
  }

  /** POSTs {@code body} to /RPC2 on a raw socket and returns the parsed XML-RPC answer. */
  private static XmlRpcResponse rawPost(TestHost host, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n";
    try (Socket s = connect(host)) {
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(bytes);
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200 OK");
      byte[] xml = response.substring(response.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8);
      return XmlRpcCodec.parseResponse(xml, XmlRpcLimits.DEFAULTS);
    }
  }

  @Test
  void xxeBodyIsAFaultAndReadsNoFile() throws Exception {
    String secret = "SECRET-" + System.nanoTime();
    Path file = Files.writeString(dir.resolve("secret.txt"), secret);
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY xxe SYSTEM \"" + file.toUri() + "\">]>"
        + "<methodCall><methodName>ping</methodName><params><param><value><string>&xxe;</string></value></param>"
        + "</params></methodCall>";
    XmlRpcResponse r = rawPost(plain, xxe);
    assertThat(r.isSuccess()).isFalse();
    assertThat(r.fault().code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    assertThat(r.fault().getMessage()).contains("DTD").doesNotContain(secret);
  }

  @Test
  void xxeBodyMakesNoConnection() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      String xxe = "<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY xxe SYSTEM \"http://127.0.0.1:"
          + listener.getLocalPort() + "/x\">]><methodCall><methodName>ping</methodName><params><param><value>"
          + "&xxe;</value></param></params></methodCall>";
      XmlRpcResponse r = rawPost(plain, xxe);
      assertThat(r.fault().code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
      listener.setSoTimeout(200);
      assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void manyIdleThreeByteConnectionsDoNotStopARealClient() throws Exception {
    // The default 10 s detection timeout keeps the idle connections open during the test.
    try (TestHost host = TestHost.start(dir.resolve("idle"), c -> c.withTlsMode(TlsMode.OFF));
        EngineClientFactory factory = EngineClientFactory.builder().plaintext().defaultTimeout(READ).build()) {
      List<Socket> idle = new ArrayList<>();
      try {
        long openStart = System.nanoTime();
        for (int i = 0; i < 200; i++) {
          Socket s = connect(host);
          s.getOutputStream().write("CON".getBytes(StandardCharsets.US_ASCII));
          idle.add(s);
        }
        long opened = millisSince(openStart);
        long start = System.nanoTime();
        HostClient client = factory.connect("127.0.0.1", host.port()).get(READ.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
          assertThat(client.call("Host.ping2", null).get(READ.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
        }
        long served = millisSince(start);
        XmlRpcResponse legacy = rawPost(host, new String(XmlRpcCodec.encodeCall("ping", List.of()), StandardCharsets.UTF_8));
        assertThat(legacy.isSuccess()).isTrue();
        client.close();
        System.out.printf("HostileInputTest: 200 idle connections opened in %d ms; connect + 10 calls took %d ms%n",
            opened, served);
        assertThat(served).isLessThan(3_000);
        // The idle connections were still open all along (not closed to make room).
        for (Socket s : idle) {
          s.setSoTimeout(1);
          assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  @Test
  void malformedHttpIsABadRequest() throws Exception {
    try (Socket s = connect(plain)) {
      s.getOutputStream().write("POST /RPC2 HTTP/1.1\r\nContent-Length: -5\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      s.getInputStream().transferTo(got);
      assertThat(got.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400");
    }
    assertPlainHostServes();
  }
}

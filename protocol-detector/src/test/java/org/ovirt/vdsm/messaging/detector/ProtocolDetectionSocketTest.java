package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * Detection over real loopback sockets, one port per TLS mode (required, optional, off), with JDK
 * socket clients: TLS and plain text where allowed, closed connections where not, and the
 * handshake and detection timeouts (short ones here) measured.
 *
 * <p>Each listener is short only in the timeout a test measures: a TLS handshake on a loaded 2-core
 * machine (a PIT run, a parallel build) can take longer than {@link #SHORT}, so every listener that
 * is not there to time out handshakes gives them {@link #READ}, and every listener that is not there
 * to time out detection gives it {@link #READ}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolDetectionSocketTest {
  private static final Duration READ = Duration.ofSeconds(10);
  private static final Duration SHORT = Duration.ofMillis(300);
  private static final String STOMP = "CONNECT\naccept-version:1.2\nhost:null\n\n\0";
  private static final String HTTP = "POST /RPC2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n";

  @TempDir static Path dir;

  static PkiLayout pki;
  static SSLContext engineTls;
  static EventLoopGroup group;
  /** TLS required; short handshake timeout, patient detection: the handshake timeout is measured. */
  static Channel requiredShortHandshake;
  /** TLS required; patient handshake, short detection timeout: the detection timeout after TLS. */
  static Channel requiredShortDetection;
  /** TLS optional and off; patient handshake, short detection timeout (plaintext detection). */
  static Channel optional;
  static Channel off;
  /** Both timeouts patient: what is served, and what is closed at once (not by a timeout). */
  static Channel patientRequired;
  static Channel patientOptional;

  /** Answers the first bytes of a connection with {@code <protocol>|<those bytes>}, then echoes. */
  static final class Echo extends ChannelInboundHandlerAdapter {
    private final String protocol;
    private boolean first = true;

    Echo(String protocol) {
      this.protocol = protocol;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        String text = (first ? protocol + "|" : "") + in.toString(StandardCharsets.ISO_8859_1);
        first = false;
        ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), text));
      } finally {
        ReferenceCountUtil.release(in);
      }
    }
  }

  private static Channel listen(TlsMode mode, SslContext ssl, Duration handshakeTimeout, Duration detectionTimeout) {
    DetectionSettings settings =
        new DetectionSettings(
            mode,
            ssl,
            handshakeTimeout,
            detectionTimeout,
            List.of(
                CommandLineDetector.stomp(p -> p.addLast(new Echo("stomp"))),
                CommandLineDetector.http(p -> p.addLast(new Echo("http")))));
    NettyTransport transport = NettyTransport.best();
    return new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ProtocolDetection.install(ch.pipeline(), settings);
              }
            })
        .bind("127.0.0.1", 0)
        .syncUninterruptibly()
        .channel();
  }

  @BeforeAll
  static void start() throws Exception {
    pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of("127.0.0.1"), KeyType.EC_P256);
    engineTls = JdkSslContexts.engine(pki);
    SslContext server = TlsContexts.server(pki);
    group = NettyTransport.best().newGroup(1, "detector-test", true);
    requiredShortHandshake = listen(TlsMode.REQUIRED, server, SHORT, READ);
    requiredShortDetection = listen(TlsMode.REQUIRED, server, READ, SHORT);
    optional = listen(TlsMode.OPTIONAL, server, READ, SHORT);
    off = listen(TlsMode.OFF, null, READ, SHORT);
    patientRequired = listen(TlsMode.REQUIRED, server, READ, READ);
    patientOptional = listen(TlsMode.OPTIONAL, server, READ, READ);
  }

  @AfterAll
  static void stop() {
    for (Channel c : new Channel[] {requiredShortHandshake, requiredShortDetection, optional, off, patientRequired, patientOptional}) {
      if (c != null) {
        c.close().syncUninterruptibly();
      }
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static int port(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private static Socket plain(Channel server) throws IOException {
    Socket s = new Socket("127.0.0.1", port(server));
    s.setSoTimeout((int) READ.toMillis());
    s.setTcpNoDelay(true);
    return s;
  }

  private static SSLSocket tls(Channel server) throws IOException {
    SSLSocket s = (SSLSocket) engineTls.getSocketFactory().createSocket("127.0.0.1", port(server));
    s.setSoTimeout((int) READ.toMillis());
    return s;
  }

  /** Sends {@code text} and reads as many bytes as {@code expected} has (or up to the close). */
  private static String send(Socket s, String text, String expected) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < expected.length()) {
      int b = in.read();
      if (b == -1) {
        break;
      }
      got.write(b);
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads until the server closes, within the read deadline; true when it closed. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException | SSLException e) {
      return true; // reset, or the TLS layer saw the close
    }
  }

  @Test
  void requiredServesTlsStompAndHttp() throws Exception {
    try (SSLSocket s = tls(patientRequired)) {
      assertThat(send(s, STOMP, "stomp|" + STOMP)).isEqualTo("stomp|" + STOMP);
    }
    try (SSLSocket s = tls(patientRequired)) {
      assertThat(send(s, HTTP, "http|" + HTTP)).isEqualTo("http|" + HTTP);
    }
  }

  @Test
  void requiredClosesPlaintext() throws Exception {
    try (Socket s = plain(patientRequired)) {
      long start = System.nanoTime();
      s.getOutputStream().write(STOMP.getBytes(StandardCharsets.ISO_8859_1));
      assertThat(closedByServer(s)).isTrue();
      // refused at its first byte, not by a timeout
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(READ.toMillis() / 2);
    }
    try (SSLSocket s = tls(patientRequired)) {
      assertThat(send(s, STOMP, "stomp|" + STOMP)).isEqualTo("stomp|" + STOMP);
    }
  }

  @Test
  void optionalServesTlsAndPlaintextOnOnePort() throws Exception {
    try (SSLSocket t = tls(patientOptional); Socket p = plain(patientOptional)) {
      assertThat(send(p, STOMP, "stomp|" + STOMP)).isEqualTo("stomp|" + STOMP);
      assertThat(send(t, HTTP, "http|" + HTTP)).isEqualTo("http|" + HTTP);
      assertThat(send(t, "more", "" + "more")).isEqualTo("more");
      assertThat(send(p, "more", "" + "more")).isEqualTo("more");
    }
    try (SSLSocket t = tls(patientOptional)) {
      assertThat(send(t, STOMP, "stomp|" + STOMP)).isEqualTo("stomp|" + STOMP);
    }
    try (Socket p = plain(patientOptional)) {
      assertThat(send(p, HTTP, "http|" + HTTP)).isEqualTo("http|" + HTTP);
    }
  }

  @Test
  void offServesPlaintextAndClosesTls() throws Exception {
    try (Socket p = plain(off)) {
      // leading EOLs (heart-beats) are skipped by the detector
      assertThat(send(p, "\n\r\nSEND\n", "stomp|SEND\n")).isEqualTo("stomp|SEND\n");
    }
    try (SSLSocket t = tls(off)) {
      assertThatThrownBy(t::startHandshake).isInstanceOf(IOException.class);
    }
    try (Socket p = plain(off)) {
      assertThat(send(p, HTTP, "http|" + HTTP)).isEqualTo("http|" + HTTP);
    }
  }

  @Test
  void silentTlsClientIsClosedAtTheDetectionTimeoutAfterItsHandshake() throws Exception {
    try (SSLSocket s = tls(requiredShortDetection)) {
      s.startHandshake();
      long handshakeDone = System.nanoTime();
      assertThat(closedByServer(s)).isTrue();
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - handshakeDone);
      // TLS 1.3: the server's handshake ends when it reads the client's Finished, a moment after
      // the client's: allow a little slack below the 300 ms.
      assertThat(waitedMs).isBetween(SHORT.toMillis() - 100, READ.toMillis() / 2);
    }
  }

  @Test
  void unfinishedHandshakeIsClosedAtTheHandshakeTimeout() throws Exception {
    try (Socket s = plain(requiredShortHandshake)) {
      long start = System.nanoTime();
      s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
      assertThat(closedByServer(s)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(SHORT.toMillis() - 50, READ.toMillis() / 2);
    }
  }

  @Test
  void threeSilentBytesAreClosedAtTheDetectionTimeout() throws Exception {
    for (Channel server : List.of(off, optional)) {
      try (Socket s = plain(server)) {
        long start = System.nanoTime();
        s.getOutputStream().write("CON".getBytes(StandardCharsets.US_ASCII));
        assertThat(closedByServer(s)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(SHORT.toMillis() - 50, READ.toMillis() / 2);
      }
    }
  }

  @Test
  void unknownProtocolIsClosedAtOnce() throws Exception {
    try (Socket s = plain(patientOptional)) {
      long start = System.nanoTime();
      s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(closedByServer(s)).isTrue();
      // well before the 10 s detection timeout: refused when the bytes arrived
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(READ.toMillis() / 2);
    }
  }
}

package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Detection on an {@link EmbeddedChannel}: which protocol, with what bytes, and when it gives up. */
class ProtocolDetectionTest {

  /** Collects the bytes a protocol's handlers receive after detection. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final String protocol;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Sink(String protocol) {
      this.protocol = protocol;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        bytes.writeBytes(b);
      } finally {
        buf.release();
      }
    }

    String text() {
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private final Sink stompSink = new Sink("stomp");
  private final Sink httpSink = new Sink("http");

  private EmbeddedChannel channel(Duration detectionTimeout) {
    DetectionSettings settings =
        new DetectionSettings(
            TlsMode.OFF,
            null,
            DetectionSettings.DEFAULT_HANDSHAKE_TIMEOUT,
            detectionTimeout,
            List.of(
                CommandLineDetector.stomp(p -> p.addLast("stomp", stompSink)),
                CommandLineDetector.http(p -> p.addLast("http", httpSink))));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ProtocolDetection.install(ch.pipeline(), settings);
    return ch;
  }

  private static void write(EmbeddedChannel ch, String s) {
    ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
  }

  @Test
  void stompConnectGoesToStompWithEveryByte() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    String frame = "CONNECT\naccept-version:1.2\nhost:null\n\n\0";
    write(ch, frame);
    assertThat(stompSink.text()).isEqualTo(frame);
    assertThat(httpSink.text()).isEmpty();
    assertThat(ch.pipeline().get(ProtocolDetection.DETECT)).isNull();
    assertThat(ch.isActive()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void byteAtATimeConnectIsDetectedAndNothingIsLost() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    String frame = "CONNECT\r\naccept-version:1.2\r\n\r\n\0SEND\n";
    for (char c : frame.toCharArray()) {
      write(ch, String.valueOf(c));
    }
    assertThat(stompSink.text()).isEqualTo(frame);
    ch.finishAndReleaseAll();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "CONNECT\naccept-version:1.2\nhost:null\n\n\0",
      "\r\n\nSTOMP\r\naccept-version:1.2\r\n\r\n\0",
      "POST /RPC2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
      "CONNECT h:1 HTTP/1.1\r\n\r\n"})
  void everySplitOfTheFirstBytesGivesTheSameResult(String input) {
    boolean stomp = !input.contains("HTTP/1.1");
    String delivered = input.replaceFirst("^[\r\n]+", "");
    for (int split = 0; split <= input.length(); split++) {
      Sink s = new Sink("stomp");
      Sink h = new Sink("http");
      DetectionSettings settings = DetectionSettings.of(TlsMode.OFF, null, List.of(
          CommandLineDetector.stomp(p -> p.addLast(s)), CommandLineDetector.http(p -> p.addLast(h))));
      EmbeddedChannel ch = new EmbeddedChannel();
      ProtocolDetection.install(ch.pipeline(), settings);
      write(ch, input.substring(0, split));
      write(ch, input.substring(split));
      assertThat((stomp ? s : h).text()).as("split at %d", split).isEqualTo(delivered);
      assertThat((stomp ? h : s).text()).as("split at %d", split).isEmpty();
      assertThat(ch.isActive()).isTrue();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void leadingHeartBeatsAreSkipped() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    write(ch, "\n\r\n\n");
    assertThat(ch.isActive()).isTrue();
    write(ch, "SUBSCRIBE\nid:1\ndestination:jms.topic.vdsm_responses\n\n\0");
    assertThat(stompSink.text()).startsWith("SUBSCRIBE\n");
    ch.finishAndReleaseAll();
  }

  @Test
  void stompIsCheckedBeforeHttp() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    write(ch, "CONNECT\n");
    assertThat(stompSink.text()).isEqualTo("CONNECT\n");
    ch.finishAndReleaseAll();
  }

  @Test
  void httpPostGoesToHttp() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    String request = "POST /RPC2 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";
    write(ch, request);
    assertThat(httpSink.text()).isEqualTo(request);
    assertThat(stompSink.text()).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void unknownBytesCloseTheConnection() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    write(ch, "SSH-2.0-OpenSSH_9.2\r\n");
    assertThat(ch.isActive()).isFalse();
    assertThat(stompSink.text()).isEmpty();
    assertThat(httpSink.text()).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void prefixThatNeverEndsIsCutAtTheByteBudget() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    write(ch, "CONNECT"); // could still become STOMP or HTTP
    assertThat(ch.isActive()).isTrue();
    write(ch, "\r");
    assertThat(ch.isActive()).isTrue();
    write(ch, "XXXXXXXXXXXXXXXXXXXXXX");
    assertThat(ch.isActive()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void silentClientIsClosedAtTheDetectionTimeout() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    write(ch, "CON");
    ch.advanceTimeBy(9, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void detectedConnectionHasNoDetectionTimerLeft() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    write(ch, "SEND\n");
    ch.advanceTimeBy(60, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void tlsOnAPlaintextOnlyPortIsClosed() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40}));
    assertThat(ch.isActive()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void plaintextOnATlsOnlyPortIsClosed() throws Exception {
    io.netty.handler.ssl.util.SelfSignedCertificate cert = new io.netty.handler.ssl.util.SelfSignedCertificate();
    try {
      DetectionSettings settings = DetectionSettings.of(
          TlsMode.REQUIRED,
          io.netty.handler.ssl.SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build(),
          List.of(CommandLineDetector.stomp(p -> p.addLast(stompSink))));
      EmbeddedChannel ch = new EmbeddedChannel();
      ProtocolDetection.install(ch.pipeline(), settings);
      write(ch, "CONNECT\n");
      assertThat(ch.isActive()).isFalse();
      assertThat(stompSink.text()).isEmpty();
      ch.finishAndReleaseAll();
    } finally {
      cert.delete();
    }
  }
}

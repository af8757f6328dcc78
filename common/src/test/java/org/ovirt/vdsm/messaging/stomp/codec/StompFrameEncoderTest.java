package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompVectors;
import org.ovirt.vdsm.messaging.stomp.StompVectors.Vector;

class StompFrameEncoderTest {

  static List<Vector> canonicalVectors() {
    return StompVectors.canonical();
  }

  static List<Vector> allVectors() {
    return StompVectors.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonicalVectors")
  void encodesCanonicalVectorByteExactly(Vector v) {
    assertThat(text(StompFrameEncoder.encode(v.frame()))).isEqualTo(v.wireText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonicalVectors")
  void writesCanonicalVectorByteExactlyToChannel(Vector v) {
    EmbeddedChannel channel = new EmbeddedChannel(new StompFrameEncoder());
    assertThat(channel.writeOutbound(v.frame())).isTrue();
    ByteBuf out = channel.readOutbound();
    try {
      assertThat(out.capacity()).as("allocated with the exact size").isEqualTo(v.wire().length);
      assertThat(text(ByteBufUtil.getBytes(out))).isEqualTo(v.wireText());
    } finally {
      out.release();
    }
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  /**
   * decode(encode(f)) is f for every canonical vector; for the others it is f in canonical form:
   * with the content-length the encoder adds to a body that had none.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("allVectors")
  void roundTripsThroughDecoder(Vector v) {
    StompFrame expected =
        v.frame().body().length > 0 && v.frame().header("content-length") == null
            ? v.frame().toBuilder().header("content-length", Integer.toString(v.frame().body().length)).build()
            : v.frame();
    if (v.canonical()) {
      assertThat(expected).isEqualTo(v.frame());
    }
    DecoderRun run = DecoderRun.whole(StompFrameEncoder.encode(v.frame()));
    assertThat(run.events).containsExactly(expected);
    assertThat(StompFrameEncoder.encode(run.frames().get(0))).isEqualTo(StompFrameEncoder.encode(v.frame()));
  }

  @Test
  void encodesHeartBeatAsSingleLineFeed() {
    assertThat(StompFrameEncoder.encode(StompHeartBeat.INSTANCE)).containsExactly('\n');
    EmbeddedChannel channel = new EmbeddedChannel(StompFrameEncoder.INSTANCE);
    channel.writeOutbound(StompHeartBeat.INSTANCE);
    ByteBuf out = channel.readOutbound();
    try {
      assertThat(ByteBufUtil.getBytes(out)).containsExactly('\n');
    } finally {
      out.release();
    }
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void passesOtherMessagesThrough() {
    EmbeddedChannel channel = new EmbeddedChannel(StompFrameEncoder.INSTANCE);
    ByteBuf raw = Unpooled.copiedBuffer("raw", StandardCharsets.US_ASCII);
    channel.writeOutbound(raw);
    ByteBuf out = channel.readOutbound();
    try {
      assertThat(out).isSameAs(raw);
    } finally {
      out.release();
    }
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void isSharable() {
    assertThat(StompFrameEncoder.INSTANCE.isSharable()).isTrue();
  }

  @Test
  void escapesHeaderNamesAndValuesOfEscapingFrames() {
    StompFrame f = StompFrame.builder(StompCommand.MESSAGE).header("a:b\\c", "x\ny\rz:w\\").build();
    assertThat(text(StompFrameEncoder.encode(f))).isEqualTo("MESSAGE\na\\cb\\\\c:x\\ny\\rz\\cw\\\\\n\n\0");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = StompCommand.class, names = {"CONNECT", "STOMP", "CONNECTED"})
  void writesConnectHeadersRaw(StompCommand command) {
    StompFrame f = StompFrame.builder(command).header("host", "engine:54321").header("login", "DOM\\user").build();
    assertThat(text(StompFrameEncoder.encode(f))).isEqualTo(command + "\nhost:engine:54321\nlogin:DOM\\user\n\n\0");
  }

  @Test
  void writesUtf8() {
    StompFrame f = StompFrame.builder(StompCommand.SEND).header("k", "\u00e9\u65e5\ud83d\ude00").build();
    assertThat(StompFrameEncoder.encode(f))
        .isEqualTo(("SEND\nk:\u00e9\u65e5\ud83d\ude00\n\n\0").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void addsContentLengthToBody() {
    StompFrame f = StompFrame.builder(StompCommand.SEND).header("destination", "/a").body("abc").build();
    assertThat(text(StompFrameEncoder.encode(f))).isEqualTo("SEND\ndestination:/a\ncontent-length:3\n\nabc\0");
  }

  @Test
  void replacesCallerContentLengthOnce() {
    StompFrame f =
        StompFrame.builder(StompCommand.SEND)
            .header("content-length", "999")
            .header("destination", "/a")
            .header("content-length", "7")
            .body("abc")
            .build();
    assertThat(text(StompFrameEncoder.encode(f))).isEqualTo("SEND\ncontent-length:3\ndestination:/a\n\nabc\0");
  }

  @Test
  void writesNoContentLengthForEmptyBodyUnlessAsked() {
    assertThat(text(StompFrameEncoder.encode(StompFrame.of(StompCommand.SEND)))).isEqualTo("SEND\n\n\0");
    StompFrame asked = StompFrame.builder(StompCommand.SEND).header("content-length", "12").build();
    assertThat(text(StompFrameEncoder.encode(asked))).isEqualTo("SEND\ncontent-length:0\n\n\0");
  }

  @Test
  void keepsNulInBody() {
    StompFrame f = StompFrame.builder(StompCommand.MESSAGE).body(new byte[] {0, 1, 0}).build();
    assertThat(StompFrameEncoder.encode(f)).isEqualTo(latin1("MESSAGE\ncontent-length:3\n\n\0\u0001\0\0"));
  }

  static Stream<Arguments> unsendableFrames() {
    return Stream.of(
        Arguments.of("CONNECT value with LF", StompFrame.builder(StompCommand.CONNECT).header("host", "a\nb").build()),
        Arguments.of("CONNECTED value with CR", StompFrame.builder(StompCommand.CONNECTED).header("server", "a\rb").build()),
        Arguments.of("STOMP name with colon", StompFrame.builder(StompCommand.STOMP).header("a:b", "c").build()),
        Arguments.of("CONNECT name with LF", StompFrame.builder(StompCommand.CONNECT).header("a\nb", "c").build()),
        Arguments.of("empty header name", StompFrame.builder(StompCommand.SEND).header("", "c").build()),
        Arguments.of("body on SUBSCRIBE", StompFrame.builder(StompCommand.SUBSCRIBE).body("x").build()),
        Arguments.of("body on CONNECT", StompFrame.builder(StompCommand.CONNECT).body("x").build()),
        Arguments.of("lone surrogate", StompFrame.builder(StompCommand.SEND).header("k", "\ud83d").build()),
        Arguments.of("reversed surrogates", StompFrame.builder(StompCommand.SEND).header("k", "\ude00\ud83d").build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsendableFrames")
  void refusesUnsendableFrame(String name, StompFrame frame) {
    assertThatThrownBy(() -> StompFrameEncoder.encode(frame)).isInstanceOf(IllegalArgumentException.class);
    EmbeddedChannel channel = new EmbeddedChannel(StompFrameEncoder.INSTANCE);
    assertThatThrownBy(() -> channel.writeOutbound(frame))
        .isInstanceOf(EncoderException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void encodesLargeBodyWithOneExactAllocation() {
    byte[] body = new byte[4 * 1024 * 1024];
    StompFrame f = StompFrame.builder(StompCommand.SEND).header("destination", "/a").body(body).build();
    EmbeddedChannel channel = new EmbeddedChannel(StompFrameEncoder.INSTANCE);
    channel.writeOutbound(f);
    ByteBuf out = channel.readOutbound();
    try {
      assertThat(out.capacity()).isEqualTo(StompFrameEncoder.encodedLength(f));
      assertThat(out.readableBytes()).isEqualTo(out.capacity());
    } finally {
      out.release();
    }
    channel.finishAndReleaseAll();
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}

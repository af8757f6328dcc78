package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * The encoder's UTF-8 at each boundary of the encoding's length (1, 2, 3 and 4 bytes), the
 * characters a CONNECT frame cannot carry wherever they stand in a header, and the buffer it
 * allocates.
 */
class StompFrameEncoderBytesTest {

  static Stream<Arguments> utf8Boundaries() {
    return Stream.of(
        Arguments.of("U+007F, last of one byte", "\u007f", new int[] {0x7f}),
        Arguments.of("U+0080, first of two bytes", "\u0080", new int[] {0xc2, 0x80}),
        Arguments.of("U+07FF, last of two bytes", "\u07ff", new int[] {0xdf, 0xbf}),
        Arguments.of("U+0800, first of three bytes", "\u0800", new int[] {0xe0, 0xa0, 0x80}),
        Arguments.of("U+FFFF, last of three bytes", "\uffff", new int[] {0xef, 0xbf, 0xbf}),
        Arguments.of("U+10000, first of four bytes", "\ud800\udc00", new int[] {0xf0, 0x90, 0x80, 0x80}),
        Arguments.of("U+1F600", "\ud83d\ude00", new int[] {0xf0, 0x9f, 0x98, 0x80}),
        Arguments.of("U+10FFFF, last code point", "\udbff\udfff", new int[] {0xf4, 0x8f, 0xbf, 0xbf}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("utf8Boundaries")
  void writesUtf8AtEachLengthBoundary(String name, String text, int[] utf8) {
    StompFrame frame = StompFrame.builder(StompCommand.SEND).header("h", text).build();
    byte[] expected = new byte[4 + 2 + 2 + utf8.length + 2];
    int at = 0;
    for (char c : "SEND\nh:".toCharArray()) {
      expected[at++] = (byte) c;
    }
    for (int b : utf8) {
      expected[at++] = (byte) b;
    }
    expected[at++] = '\n';
    expected[at++] = '\n';
    expected[at] = 0;
    assertThat(StompFrameEncoder.encode(frame)).isEqualTo(expected);
    assertThat(StompFrameEncoder.encodedLength(frame)).isEqualTo(expected.length);
  }

  @ParameterizedTest(name = "name \"{0}\"")
  @ValueSource(strings = {":a", "a:", "\na", "a\n", "\ra", "a\r"})
  void refusesConnectHeaderNameItCannotEscapeWhereverTheCharacterStands(String name) {
    StompFrame frame = StompFrame.builder(StompCommand.CONNECT).header(name, "v").build();
    assertThatThrownBy(() -> StompFrameEncoder.encode(frame))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contains a colon, CR or LF, which it cannot escape");
  }

  @ParameterizedTest(name = "value \"{0}\"")
  @ValueSource(strings = {"\na", "a\n", "\ra", "a\r"})
  void refusesConnectHeaderValueItCannotEscapeWhereverTheCharacterStands(String value) {
    StompFrame frame = StompFrame.builder(StompCommand.CONNECTED).header("n", value).build();
    assertThatThrownBy(() -> StompFrameEncoder.encode(frame))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header 'n' of a CONNECTED frame contains CR or LF, which it cannot escape");
  }

  @Test
  void writesColonOfConnectHeaderValueAsItIs() {
    StompFrame frame = StompFrame.builder(StompCommand.CONNECT).header("host", ":engine:").build();
    assertThat(new String(StompFrameEncoder.encode(frame), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("CONNECT\nhost::engine:\n\n\0");
  }

  @Test
  void allocatesAnIoBufferLikeTheDefaultEncoder() {
    // MessageToByteEncoder prefers direct buffers: the frame goes to a socket.
    boolean ioBuffersAreDirect = isDirectIoBuffer();
    EmbeddedChannel channel = new EmbeddedChannel(new StompFrameEncoder());
    try {
      channel.writeOutbound(StompFrame.builder(StompCommand.SEND).body("x").build());
      ByteBuf out = channel.readOutbound();
      try {
        assertThat(out.isDirect()).isEqualTo(ioBuffersAreDirect);
      } finally {
        out.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static boolean isDirectIoBuffer() {
    ByteBuf probe = ByteBufAllocator.DEFAULT.ioBuffer(1);
    try {
      return probe.isDirect();
    } finally {
      probe.release();
    }
  }
}

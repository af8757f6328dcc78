package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.detector.ProtocolDetector.Match;

class CommandLineDetectorTest {
  private final CommandLineDetector stomp = CommandLineDetector.stomp(p -> {});
  private final CommandLineDetector http = CommandLineDetector.http(p -> {});

  private static Match match(ProtocolDetector d, String bytes) {
    ByteBuf in = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
    try {
      int before = in.readerIndex();
      Match m = d.match(in);
      assertThat(in.readerIndex()).as("match consumes nothing").isEqualTo(before);
      return m;
    } finally {
      in.release();
    }
  }

  @ParameterizedTest(name = "STOMP recognises {0} followed by LF and by CRLF")
  @ValueSource(strings = {"CONNECT", "STOMP", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT", "DISCONNECT"})
  void stompRecognisesEveryClientCommand(String command) {
    assertThat(match(stomp, command + "\n")).isEqualTo(Match.YES);
    assertThat(match(stomp, command + "\r\n")).isEqualTo(Match.YES);
    assertThat(match(stomp, command + "\r\naccept-version:1.2\n")).isEqualTo(Match.YES);
    assertThat(match(http, command + "\n")).isEqualTo(Match.NO);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("empty input", "", Match.NEED_MORE, Match.NEED_MORE),
        Arguments.of("3 bytes of CONNECT", "CON", Match.NEED_MORE, Match.NEED_MORE),
        Arguments.of("command without EOL yet", "CONNECT", Match.NEED_MORE, Match.NEED_MORE),
        Arguments.of("command then CR only", "CONNECT\r", Match.NEED_MORE, Match.NO),
        Arguments.of("HTTP CONNECT is not STOMP", "CONNECT engine:443 HTTP/1.1\r\n", Match.NO, Match.YES),
        Arguments.of("XML-RPC POST", "POST /RPC2 HTTP/1.1\r\n", Match.NO, Match.YES),
        Arguments.of("GET", "GET / HTTP/1.1\r\n", Match.NO, Match.YES),
        Arguments.of("PUT", "PUT /x HTTP/1.1\r\n", Match.NO, Match.YES),
        Arguments.of("method then space only", "POST ", Match.NO, Match.NEED_MORE),
        Arguments.of("method then two spaces", "POST  /", Match.NO, Match.NO),
        Arguments.of("lower-case command", "connect\n", Match.NO, Match.NO),
        Arguments.of("lower-case method", "post /RPC2", Match.NO, Match.NO),
        Arguments.of("command with trailing letters", "SENDX\n", Match.NO, Match.NO),
        Arguments.of("TLS record", "\u0016\u0003\u0001\u0002\u0000", Match.NO, Match.NO),
        Arguments.of("binary", "\u0000\u0001\u0002", Match.NO, Match.NO),
        Arguments.of("SSH banner", "SSH-2.0-OpenSSH\r\n", Match.NO, Match.NO));
  }

  @ParameterizedTest(name = "{0}: stomp {2}, http {3}")
  @MethodSource("table")
  void classifiesFirstBytes(String name, String bytes, Match expectedStomp, Match expectedHttp) {
    assertThat(match(stomp, bytes)).isEqualTo(expectedStomp);
    assertThat(match(http, bytes)).isEqualTo(expectedHttp);
  }

  @Test
  void byteBudgetIsTheLongestWordPlusSeparator() {
    assertThat(stomp.bytesNeeded()).isEqualTo("UNSUBSCRIBE".length() + 2);
    assertThat(http.bytesNeeded()).isEqualTo("OPTIONS".length() + 2);
  }
}

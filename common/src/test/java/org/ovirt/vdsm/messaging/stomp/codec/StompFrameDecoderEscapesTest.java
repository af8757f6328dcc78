package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Escapes at every position of a header name and value: first, last, alone, next to each other. */
class StompFrameDecoderEscapesTest {

  static Stream<Arguments> escapes() {
    return Stream.of(
        Arguments.of("escape first in the value", "foo:\\nbar", "foo", "\nbar"),
        Arguments.of("escape last in the value", "foo:bar\\c", "foo", "bar:"),
        Arguments.of("only an escape", "foo:\\\\", "foo", "\\"),
        Arguments.of("escapes side by side", "foo:\\r\\n\\c\\\\", "foo", "\r\n:\\"),
        Arguments.of("escape first in the name", "\\cfoo:x", ":foo", "x"),
        Arguments.of("escaped backslash before n", "foo:\\\\n", "foo", "\\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapes")
  void unescapesAtEveryPosition(String name, String line, String headerName, String headerValue) {
    DecoderRun run = DecoderRun.whole(latin1("MESSAGE\n" + line + "\n\n\0"));
    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).singleElement()
        .satisfies(f -> assertThat(f.headers()).containsExactly(Map.entry(headerName, headerValue)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapes")
  void keepsEscapesOfConnectFramesLiteral(String name, String line, String headerName, String headerValue) {
    DecoderRun run = DecoderRun.whole(latin1("CONNECT\n" + line + "\n\n\0"));
    assertThat(run.failures()).isEmpty();
    int colon = line.indexOf(':');
    assertThat(run.frames()).singleElement()
        .satisfies(f -> assertThat(f.headers())
            .containsExactly(Map.entry(line.substring(0, colon), line.substring(colon + 1))));
  }
}

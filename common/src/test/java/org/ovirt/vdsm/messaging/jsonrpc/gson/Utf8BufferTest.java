package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Characters become the bytes {@link String#getBytes} gives; the bound is never passed. */
class Utf8BufferTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"plain ascii", "é and ß", "€ three bytes", "😀 a surrogate pair", "a\uD800lone high", "lone low\uDC00!", "end high\uD83D"})
  void encodesLikeStringGetBytes(String text) throws IOException {
    Utf8Buffer out = new Utf8Buffer(0, 1024);
    out.writer().write(text);
    assertThat(out.toByteArray()).isEqualTo(text.getBytes(UTF_8));
  }

  @Test
  void aSurrogatePairSplitAcrossWritesIsOneCharacter() throws IOException {
    String pair = "😀";
    Utf8Buffer out = new Utf8Buffer(0, 1024);
    out.writer().write(pair.charAt(0));
    out.writer().write(pair, 1, 1);
    assertThat(out.toByteArray()).isEqualTo(pair.getBytes(UTF_8));
  }

  @Test
  void rawBytesAndCharactersInterleaveInOrder() throws IOException {
    Utf8Buffer out = new Utf8Buffer(1, 1024);
    out.writeAscii("[");
    out.write("\"é\"".getBytes(UTF_8), 0, 4);
    out.writer().write(",\"ü\"]");
    assertThat(new String(out.toByteArray(), UTF_8)).isEqualTo("[\"é\",\"ü\"]");
  }

  @Test
  void aWritePastTheBoundThrowsAndKeepsWhatFits() throws IOException {
    Utf8Buffer out = new Utf8Buffer(4, 8);
    out.writer().write("12345678");
    assertThatThrownBy(() -> out.writer().write("9")).isInstanceOf(Utf8Buffer.Full.class);
    assertThatThrownBy(() -> out.write(new byte[1], 0, 1)).isInstanceOf(Utf8Buffer.Full.class);
    assertThat(out.length()).isEqualTo(8);
  }

  @Test
  void aMultiByteCharacterThatDoesNotFitIsNotHalfWritten() throws IOException {
    Utf8Buffer out = new Utf8Buffer(0, 3);
    out.writer().write("ab");
    assertThatThrownBy(() -> out.writer().write("é")).isInstanceOf(Utf8Buffer.Full.class);
    assertThat(new String(out.toByteArray(), UTF_8)).isEqualTo("ab");
  }
}

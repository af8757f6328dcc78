package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Writer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edges of {@link Utf8Buffer}: the code points where UTF-8 changes length, a write exactly at
 * the bound and one byte over it, a pending high surrogate ended by every kind of write, and the
 * three ways characters come in.
 */
class Utf8BufferBoundsTest {

  /** Last and first code points of each UTF-8 length, and the edges of the surrogate range. */
  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF})
  void encodesEachLengthEdgeLikeStringGetBytesWhicheverWayItComes(int codePoint) throws IOException {
    String text = "a" + Character.toString(codePoint) + "b";
    byte[] expected = text.getBytes(UTF_8);

    Utf8Buffer asString = new Utf8Buffer(0, 64);
    asString.writer().write(text);
    assertThat(asString.toByteArray()).as("write(String)").isEqualTo(expected);

    Utf8Buffer asChars = new Utf8Buffer(0, 64);
    asChars.writer().write(text.toCharArray(), 0, text.length());
    assertThat(asChars.toByteArray()).as("write(char[])").isEqualTo(expected);

    Utf8Buffer oneByOne = new Utf8Buffer(0, 64);
    for (char c : text.toCharArray()) {
      oneByOne.writer().write(c);
    }
    assertThat(oneByOne.toByteArray()).as("write(int)").isEqualTo(expected);
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x7F, 0x80, 0x800, 0x10000})
  void aCharacterExactlyAtTheBoundFitsAndOneByteLessRefusesItWhole(int codePoint) throws IOException {
    String character = Character.toString(codePoint);
    int size = character.getBytes(UTF_8).length;

    Utf8Buffer exact = new Utf8Buffer(0, size + 1);
    exact.writeAscii("x");
    exact.writer().write(character);
    assertThat(exact.toByteArray()).isEqualTo(("x" + character).getBytes(UTF_8));

    Utf8Buffer tooSmall = new Utf8Buffer(0, size);
    tooSmall.writeAscii("x");
    assertThatThrownBy(() -> tooSmall.writer().write(character)).isInstanceOf(Utf8Buffer.Full.class);
    assertThat(tooSmall.toByteArray()).isEqualTo(new byte[] {'x'});
  }

  @Test
  void asciiAndRawBytesExactlyAtTheBoundFitAndOneMoreIsRefused() {
    Utf8Buffer out = new Utf8Buffer(1, 6);
    out.writeAscii("abc");
    out.write(new byte[] {'d', 'e', 'f'}, 0, 3);
    assertThat(out.length()).isEqualTo(6);
    assertThatThrownBy(() -> out.writeAscii("g")).isInstanceOf(Utf8Buffer.Full.class).hasMessage("more than 6 bytes");
    assertThatThrownBy(() -> out.write(new byte[] {'g'}, 0, 1)).isInstanceOf(Utf8Buffer.Full.class);
    assertThat(new String(out.toByteArray(), UTF_8)).isEqualTo("abcdef");
  }

  @Test
  void anAsciiRunThatDoesNotFitIsNotHalfWritten() throws IOException {
    Utf8Buffer out = new Utf8Buffer(0, 4);
    out.writer().write("ab");
    assertThatThrownBy(() -> out.writer().write("cde")).isInstanceOf(Utf8Buffer.Full.class);
    assertThat(new String(out.toByteArray(), UTF_8)).isEqualTo("ab");
  }

  @Test
  void aZeroBoundHoldsNothingAndNegativeSizesAreRefused() {
    Utf8Buffer empty = new Utf8Buffer(0, 0);
    assertThat(empty.toByteArray()).isEmpty();
    assertThatThrownBy(() -> empty.writeAscii("x")).isInstanceOf(Utf8Buffer.Full.class).hasMessage("more than 0 bytes");
    assertThatThrownBy(() -> new Utf8Buffer(-1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sizes must be >= 0: -1, 0");
    assertThatThrownBy(() -> new Utf8Buffer(0, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sizes must be >= 0: 0, -1");
  }

  @Test
  void growsPastItsInitialCapacityUpToTheBound() throws IOException {
    // starts with 1 byte, grows through 256, 512 and 1024 to the bound of 1500
    Utf8Buffer out = new Utf8Buffer(1, 1500);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      String piece = i % 3 == 0 ? "é" + i : "-" + i + "-";
      out.writer().write(piece);
      expected.append(piece);
    }
    out.writeAscii("x".repeat(1500 - expected.toString().getBytes(UTF_8).length));
    assertThat(out.length()).isEqualTo(1500);
    assertThat(new String(out.toByteArray(), UTF_8)).isEqualTo(expected + "x".repeat(1500 - expected.toString().getBytes(UTF_8).length));
  }

  @Test
  void toByteArrayIsExactlyAsLongAsWhatWasWritten() throws IOException {
    Utf8Buffer out = new Utf8Buffer(100, 1000);
    out.writer().write("abc");
    assertThat(out.toByteArray()).hasSize(3).isEqualTo(new byte[] {'a', 'b', 'c'});
    Utf8Buffer full = new Utf8Buffer(3, 3);
    full.writeAscii("xyz");
    assertThat(full.toByteArray()).isEqualTo(new byte[] {'x', 'y', 'z'});
  }

  @Test
  void aPendingHighSurrogateBecomesAQuestionMarkBeforeAnyOtherWrite() throws IOException {
    String high = "\uD83D";

    Utf8Buffer beforeAscii = new Utf8Buffer(0, 64);
    beforeAscii.writer().write(high);
    beforeAscii.writeAscii("a");
    assertThat(new String(beforeAscii.toByteArray(), UTF_8)).isEqualTo("?a");

    Utf8Buffer beforeBytes = new Utf8Buffer(0, 64);
    beforeBytes.writer().write(high);
    beforeBytes.write(new byte[] {'b'}, 0, 1);
    assertThat(new String(beforeBytes.toByteArray(), UTF_8)).isEqualTo("?b");

    Utf8Buffer beforeAsciiRun = new Utf8Buffer(0, 64);
    beforeAsciiRun.writer().write(high);
    beforeAsciiRun.writer().write("cd");
    assertThat(new String(beforeAsciiRun.toByteArray(), UTF_8)).isEqualTo("?cd");

    Utf8Buffer twoHighs = new Utf8Buffer(0, 64);
    twoHighs.writer().write(high + high + "\uDE00");
    assertThat(new String(twoHighs.toByteArray(), UTF_8)).isEqualTo("?\uD83D\uDE00");

    Utf8Buffer counted = new Utf8Buffer(0, 64);
    counted.writer().write("é" + high);
    assertThat(counted.length()).as("the pending half counts as its '?'").isEqualTo(3);
    assertThat(counted.toByteArray()).isEqualTo(new byte[] {(byte) 0xC3, (byte) 0xA9, '?'});
  }

  @Test
  void aPendingHighSurrogateAtTheBoundIsRefusedWhenItsQuestionMarkDoesNotFit() throws IOException {
    Utf8Buffer out = new Utf8Buffer(0, 2);
    out.writer().write("ab\uD83D"); // the high half waits: nothing written for it yet
    assertThatThrownBy(out::length).isInstanceOf(Utf8Buffer.Full.class);
  }

  @Test
  void writesPartsOfStringsAndCharArraysAndAppends() throws IOException {
    Utf8Buffer out = new Utf8Buffer(0, 64);
    Writer w = out.writer();
    w.write("--abc--", 2, 3);
    w.write("xé€y".toCharArray(), 1, 2);
    assertThat(w.append("!")).as("append returns its writer").isSameAs(w);
    w.append(null);
    w.flush();
    w.close();
    assertThat(new String(out.toByteArray(), UTF_8)).isEqualTo("abcé€!null");
    assertThatThrownBy(() -> w.write(new char[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> out.write(new byte[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aLoneSurrogateAtTheBoundIsRefusedWhenItsQuestionMarkDoesNotFit() throws IOException {
    Utf8Buffer lowFirst = new Utf8Buffer(1, 1);
    lowFirst.writer().write('a');
    assertThatThrownBy(() -> lowFirst.writer().write('\uDE00')).isInstanceOf(Utf8Buffer.Full.class);
    assertThat(lowFirst.toByteArray()).isEqualTo(new byte[] {'a'});

    Utf8Buffer highThenOther = new Utf8Buffer(1, 1);
    highThenOther.writer().write('a');
    highThenOther.writer().write('\uD83D'); // waits for its low half
    assertThatThrownBy(() -> highThenOther.writer().write('b')).isInstanceOf(Utf8Buffer.Full.class);
  }
}

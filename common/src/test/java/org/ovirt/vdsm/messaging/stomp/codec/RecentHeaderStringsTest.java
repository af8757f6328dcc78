package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * The per-connection memory of header strings: the same ASCII bytes give the same {@link String}
 * instance while remembered, anything else gives its own correct string, non-ASCII bytes are left to
 * the UTF-8 decoder; and the decoder hands repeated header names and values out from it.
 */
class RecentHeaderStringsTest {

  private final RecentHeaderStrings recent = new RecentHeaderStrings();

  /** {@code text} placed at {@code offset} in a fresh array with junk around it. */
  private static byte[] at(int offset, String text) {
    byte[] bytes = new byte[offset + text.length() + 3];
    java.util.Arrays.fill(bytes, (byte) '#');
    System.arraycopy(latin1(text), 0, bytes, offset, text.length());
    return bytes;
  }

  @Test
  void theSameBytesGiveTheSameInstanceWhereverTheyAre() {
    String first = recent.ascii(at(0, "destination"), 0, 11);
    String again = recent.ascii(at(7, "destination"), 7, 11);
    assertThat(first).isEqualTo("destination");
    assertThat(again).isSameAs(first);
  }

  @Test
  void stringsOfUpToTheLengthLimitAreRememberedLongerOnesAreNot() {
    String atLimit = "a".repeat(RecentHeaderStrings.MAX_LENGTH);
    assertThat(recent.ascii(at(1, atLimit), 1, atLimit.length()))
        .isSameAs(recent.ascii(at(2, atLimit), 2, atLimit.length()))
        .isEqualTo(atLimit);
    String over = "a".repeat(RecentHeaderStrings.MAX_LENGTH + 1);
    String once = recent.ascii(at(1, over), 1, over.length());
    String twice = recent.ascii(at(1, over), 1, over.length());
    assertThat(once).isEqualTo(over);
    assertThat(twice).isEqualTo(over).isNotSameAs(once);
  }

  @Test
  void everyAsciiByteIsKeptNulAndDelIncluded() {
    byte[] all = new byte[128];
    for (int i = 0; i < 128; i++) {
      all[i] = (byte) i;
    }
    String s = recent.ascii(all, 0, 128);
    assertThat(s).hasSize(128);
    for (int i = 0; i < 128; i++) {
      assertThat((int) s.charAt(i)).isEqualTo(i);
    }
    assertThat(recent.ascii(new byte[] {0, 'a'}, 0, 2)).isEqualTo("\0a").isSameAs(recent.ascii(new byte[] {0, 'a'}, 0, 2));
    assertThat(recent.ascii(new byte[] {'a', 0x7f}, 0, 2)).isEqualTo("a\u007f");
  }

  @Test
  void aNonAsciiByteAnywhereIsLeftToTheUtf8Decoder() {
    assertThat(recent.ascii(new byte[] {(byte) 0x80}, 0, 1)).isNull();
    assertThat(recent.ascii(latin1("abc\u00ff"), 0, 4)).isNull();
    assertThat(recent.ascii(latin1("\u00c3\u00a9x"), 0, 3)).isNull();
    // ... but only within the range asked for
    assertThat(recent.ascii(latin1("ab\u00ff"), 0, 2)).isEqualTo("ab");
    assertThat(recent.ascii(latin1("\u00ffab"), 1, 2)).isEqualTo("ab");
  }

  @Test
  void theEmptyStringIsRemembered() {
    assertThat(recent.ascii(new byte[0], 0, 0)).isEmpty();
    assertThat(recent.ascii(new byte[0], 0, 0)).isSameAs(recent.ascii(new byte[] {'x'}, 1, 0));
  }

  @Test
  void withMoreStringsThanSlotsEachStillComesBackAsItself() {
    // 3 times as many strings as slots, of one length and of neighbouring lengths: slots are shared,
    // and a string in a shared slot must never stand in for another.
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < 3 * RecentHeaderStrings.SLOTS; i++) {
      strings.add("k" + (char) ('a' + i % 26) + (char) ('a' + i / 26));
      strings.add("k" + i);
    }
    for (int round = 0; round < 3; round++) {
      for (String s : strings) {
        assertThat(recent.ascii(at(round, s), round, s.length())).isEqualTo(s);
      }
    }
  }

  @Test
  void aRememberedStringIsReplacedInItsSlotAndNotReturnedForOtherBytes() {
    // Two strings of one length that differ in their last byte only.
    for (int i = 0; i < 200; i++) {
      String a = "subscription-" + i + "a";
      String b = "subscription-" + i + "b";
      assertThat(recent.ascii(at(0, a), 0, a.length())).isEqualTo(a);
      assertThat(recent.ascii(at(0, b), 0, b.length())).isEqualTo(b);
      assertThat(recent.ascii(at(0, a), 0, a.length())).isEqualTo(a);
    }
  }

  @Test
  void theDecoderHandsOutARepeatedHeaderNameAndValueFromTheMemory() {
    // One header: its name and value are the only strings remembered (in slots of their own).
    String frame = "MESSAGE\nsubscription:s-1\n\n{}\0";
    List<StompFrame> frames = DecoderRun.whole(latin1(frame + frame)).frames();
    assertThat(frames).hasSize(2);
    Map.Entry<String, String> first = frames.get(0).headers().get(0);
    Map.Entry<String, String> second = frames.get(1).headers().get(0);
    assertThat(second).isEqualTo(Map.entry("subscription", "s-1"));
    assertThat(second.getKey()).isSameAs(first.getKey());
    assertThat(second.getValue()).isSameAs(first.getValue());
  }

  @Test
  void theDecoderDecodesNonAsciiHeadersAsUtf8EveryTime() {
    String frame = "SEND\nd\u00c3\u00a9st:caf\u00c3\u00a9\n\n\0";
    List<StompFrame> frames = DecoderRun.whole(latin1(frame + frame)).frames();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(1).header("d\u00e9st")).isEqualTo("caf\u00e9");
    assertThat(frames.get(0)).isEqualTo(frames.get(1));
  }
}

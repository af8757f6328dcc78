package org.ovirt.vdsm.messaging.stomp.codec;

import java.nio.charset.StandardCharsets;

/**
 * Text from the wire quoted in the detail of a {@link StompDecodeException}: it is attacker
 * controlled, so it is cut to {@value #MAX_CHARS} characters and control characters are shown as
 * escapes (an error frame or a log line never carries a raw CR, LF or NUL of the peer's).
 */
final class OffendingText {
  /** At most this many characters of the offending text are quoted. */
  static final int MAX_CHARS = 64;

  private OffendingText() {}

  /**
   * The first {@value #MAX_CHARS} characters of {@code s}, each control character (below U+0020, and
   * U+007F) as {@code \xNN}, and {@code ...} when {@code s} was longer.
   */
  static String printable(String s) {
    int max = MAX_CHARS;
    StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 8);
    for (int i = 0; i < s.length() && i < max; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > max) {
      sb.append("...");
    }
    return sb.toString();
  }

  /** The first {@code length} bytes of {@code bytes} as UTF-8, malformed sequences as U+FFFD. */
  static String lenientUtf8(byte[] bytes, int length) {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}

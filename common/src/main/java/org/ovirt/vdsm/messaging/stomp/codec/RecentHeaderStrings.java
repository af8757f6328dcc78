package org.ovirt.vdsm.messaging.stomp.codec;

import java.nio.charset.StandardCharsets;

/**
 * The ASCII header strings one connection decoded lately, handed out again instead of a new copy:
 * header names, and values such as the destination and the subscription, repeat on every frame of
 * a connection. {@value #SLOTS} slots chosen by a hash of the bytes; a string takes the slot of its
 * hash and replaces what was there. Strings longer than {@value #MAX_LENGTH} bytes are not
 * remembered. One instance per decoder (not thread safe).
 */
final class RecentHeaderStrings {
  /** The number of strings remembered at most; a power of two. */
  static final int SLOTS = 16;

  /** Longer strings are not remembered. */
  static final int MAX_LENGTH = 128;

  private final String[] slots = new String[SLOTS];

  /**
   * The string of {@code length} bytes of {@code bytes} from {@code offset} when all of them are
   * ASCII (0x00 to 0x7F): the same instance as last time for the same bytes while it is remembered,
   * else a new string, remembered for next time; {@code null} when a byte is not ASCII (the caller
   * decodes it as UTF-8).
   */
  String ascii(byte[] bytes, int offset, int length) {
    int hash = length;
    for (int i = offset, end = offset + length; i < end; i++) {
      if (bytes[i] < 0) {
        return null;
      }
      hash = 31 * hash + bytes[i]; // any function of the bytes would do: it only picks the slot
    }
    if (length > MAX_LENGTH) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    // Which slot a string takes is not observable beyond which strings share one: '^' or '>>>'
    // replaced (mutation testing) give another spread, the same strings.
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    String known = slots[slot];
    if (known != null && known.length() == length) {
      boolean same = true;
      for (int i = 0; i < length; i++) {
        if (known.charAt(i) != bytes[offset + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        return known;
      }
    }
    String s = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    slots[slot] = s;
    return s;
  }
}

package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.util.Objects.requireNonNull;

import java.io.Writer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Internal: a growable byte array, bounded, that JSON text is written into as UTF-8, either as
 * characters (through {@link #writer()}, for Gson's {@code JsonWriter}) or as bytes that are JSON
 * already ({@link #write(byte[], int, int)}, for pre-encoded values). A write that would pass the
 * bound throws {@link Full} and writes nothing: what was written stays in memory and is never sent
 * anywhere, so an oversized answer is found before a byte of it leaves. An unpaired surrogate is
 * written as {@code ?}, as {@link String#getBytes(java.nio.charset.Charset)} does. Not thread-safe.
 */
public final class Utf8Buffer {

  /** Thrown by a write that would pass the bound; carries no stack trace (it is expected). */
  public static final class Full extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Full(int maxBytes) {
      super("more than " + maxBytes + " bytes", null, false, false);
    }
  }

  private final int maxBytes;
  private final Writer writer = new CharWriter();
  private byte[] bytes;
  private int length;
  /** A high surrogate whose low half has not been written yet, else 0. */
  private char pendingHigh;

  /**
   * @param initialCapacity bytes allocated at first (at most {@code maxBytes} are)
   * @param maxBytes the most bytes it may hold
   */
  public Utf8Buffer(int initialCapacity, int maxBytes) {
    if (maxBytes < 0 || initialCapacity < 0) {
      throw new IllegalArgumentException("sizes must be >= 0: " + initialCapacity + ", " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.bytes = new byte[Math.min(initialCapacity, maxBytes)];
  }

  /** Appends bytes that are UTF-8 JSON text already. */
  public void write(byte[] source, int offset, int count) {
    requireNonNull(source, "source");
    Objects.checkFromIndexSize(offset, count, source.length);
    endPendingSurrogate();
    ensure(count);
    System.arraycopy(source, offset, bytes, length, count);
    length += count;
  }

  /** Appends a string of ASCII characters (JSON punctuation and member names known in advance). */
  public void writeAscii(String ascii) {
    endPendingSurrogate();
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) ascii.charAt(i);
    }
  }

  /** A writer that encodes what it is given as UTF-8 into this buffer. */
  public Writer writer() {
    return writer;
  }

  /** The bytes written so far. */
  public int length() {
    endPendingSurrogate();
    return length;
  }

  /** A copy of the bytes written, exactly as long as they are. */
  public byte[] toByteArray() {
    endPendingSurrogate();
    return bytes.length == length ? bytes : Arrays.copyOf(bytes, length);
  }

  private void ensure(int more) {
    long needed = (long) length + more;
    if (needed > maxBytes) {
      throw new Full(maxBytes);
    }
    // Equivalent as ">=": growing when exactly full only copies the array one write earlier.
    if (needed > bytes.length) {
      long grown = Math.max(needed, Math.max(256, (long) bytes.length * 2));
      bytes = Arrays.copyOf(bytes, (int) Math.min(grown, maxBytes));
    }
  }

  private void endPendingSurrogate() {
    if (pendingHigh != 0) {
      pendingHigh = 0;
      ensure(1);
      bytes[length++] = '?';
    }
  }

  private void put(char c) {
    if (pendingHigh != 0) {
      char high = pendingHigh;
      pendingHigh = 0;
      if (Character.isLowSurrogate(c)) {
        int cp = Character.toCodePoint(high, c);
        ensure(4);
        bytes[length++] = (byte) (0xF0 | cp >> 18);
        bytes[length++] = (byte) (0x80 | (cp >> 12 & 0x3F));
        bytes[length++] = (byte) (0x80 | (cp >> 6 & 0x3F));
        bytes[length++] = (byte) (0x80 | (cp & 0x3F));
        return;
      }
      ensure(1);
      bytes[length++] = '?';
    }
    if (c < 0x80) {
      ensure(1);
      bytes[length++] = (byte) c;
    } else if (c < 0x800) {
      ensure(2);
      bytes[length++] = (byte) (0xC0 | c >> 6);
      bytes[length++] = (byte) (0x80 | (c & 0x3F));
    } else if (Character.isHighSurrogate(c)) {
      pendingHigh = c;
    } else if (Character.isLowSurrogate(c)) {
      ensure(1);
      bytes[length++] = '?';
    } else {
      ensure(3);
      bytes[length++] = (byte) (0xE0 | c >> 12);
      bytes[length++] = (byte) (0x80 | (c >> 6 & 0x3F));
      bytes[length++] = (byte) (0x80 | (c & 0x3F));
    }
  }

  /** The character side: ASCII runs are copied in one pass, the rest one character at a time. */
  private final class CharWriter extends Writer {
    @Override
    public void write(int c) {
      put((char) c);
    }

    @Override
    public void write(char[] chars, int offset, int count) {
      Objects.checkFromIndexSize(offset, count, chars.length);
      for (int i = offset, end = offset + count; i < end; i++) {
        put(chars[i]);
      }
    }

    @Override
    public void write(String s, int offset, int count) {
      int end = offset + count;
      int i = offset;
      while (i < end) {
        if (pendingHigh == 0) {
          int run = asciiRun(s, i, end);
          if (run > 0) {
            ensure(run);
            for (int k = 0; k < run; k++) {
              bytes[length + k] = (byte) s.charAt(i + k);
            }
            length += run;
            i += run;
            continue;
          }
        }
        put(s.charAt(i++));
      }
    }

    @Override
    public void write(String s) {
      write(s, 0, s.length());
    }

    @Override
    public Writer append(CharSequence csq) {
      String s = String.valueOf(csq);
      write(s, 0, s.length());
      return this;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static int asciiRun(String s, int from, int end) {
    int i = from;
    while (i < end && s.charAt(i) < 0x80) {
      i++;
    }
    return i - from;
  }
}

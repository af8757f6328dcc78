package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.CharArrayReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;

/** Internal: UTF-8 bytes decoded at once and strictly (malformed input refused, never replaced). */
final class StrictUtf8 {
  private StrictUtf8() {}

  /**
   * A reader of the characters of {@code utf8}.
   *
   * @throws CharacterCodingException when {@code utf8} is not valid UTF-8
   */
  static Reader reader(byte[] utf8) throws CharacterCodingException {
    CharBuffer chars = UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(utf8));
    // A buffer from decode() starts at offset 0, position 0: "-" for "+" here is an equivalent mutant.
    return new CharArrayReader(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
  }
}

package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.nio.charset.StandardCharsets.UTF_8;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;

/**
 * Internal: a guess of a response's id from the end of its body, for bodies that end with the id
 * member ({@code ..., "id":"<id>"}}), as {@link MessageWriter} writes them. Looks at the last bytes
 * only, so it costs nothing next to the body; it is a guess, never trusted: the reader compares it
 * with the id it reads in full. Only a string id without escapes is guessed.
 */
final class TailId {
  /** The longest id guessed, in bytes; longer ones are not guessed. */
  static final int MAX_ID_BYTES = 256;

  private TailId() {}

  /**
   * The id the body seems to end with, or {@code null}.
   *
   * <p>Equivalent mutants: each {@code i < 0} below as {@code i <= 0}, {@code i < 3} as {@code i <= 3}
   * and {@code i >= 0} in {@link #skipSpaceBack} as {@code i > 0}. At index 0 (3 for the name) the
   * next step always looks before the body's start or at a byte that is not the one wanted, so there
   * is no guess either way.
   */
  static JsonRpcId find(byte[] body) {
    int i = skipSpaceBack(body, body.length - 1);
    if (i < 0 || body[i] != '}') {
      return null;
    }
    i = skipSpaceBack(body, i - 1);
    if (i < 0 || body[i] != '"') {
      return null;
    }
    int end = i;
    int start = end - 1;
    int floor = Math.max(0, end - MAX_ID_BYTES - 1);
    while (start >= floor && body[start] != '"') {
      if (body[start] == '\\' || (body[start] >= 0 && body[start] < 0x20)) {
        return null;
      }
      start--;
    }
    if (start < floor) {
      return null;
    }
    i = skipSpaceBack(body, start - 1);
    if (i < 0 || body[i] != ':') {
      return null;
    }
    i = skipSpaceBack(body, i - 1);
    if (i < 3 || body[i] != '"' || body[i - 1] != 'd' || body[i - 2] != 'i' || body[i - 3] != '"') {
      return null;
    }
    i = skipSpaceBack(body, i - 4);
    if (i < 0 || (body[i] != ',' && body[i] != '{')) {
      return null;
    }
    return new JsonRpcId.StringId(new String(body, start + 1, end - start - 1, UTF_8));
  }

  private static int skipSpaceBack(byte[] body, int from) {
    int i = from;
    while (i >= 0 && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
      i--;
    }
    return i;
  }
}

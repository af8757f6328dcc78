package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.util.List;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;

/**
 * Internal: recognises the small success answer exactly as {@link MessageWriter} writes it for a
 * scalar result, {@code {"jsonrpc":"2.0","result":V,"id":"S"}} with no white space, where V is
 * {@code true}, {@code false}, {@code null} or a string, and the strings are printable ASCII with
 * no escapes. Such an answer (a {@code Host.ping2}, most setters) is decoded from its bytes without
 * a {@code JsonReader} (whose buffers alone are about 2.5 KB per message); the result is the same
 * payload the general reader gives. Anything else, a byte out of that alphabet included, is left to
 * the general reader ({@code null}), which decodes and reports it as always. Stateless.
 */
public final class SmallAnswerScanner {
  /** Longer bodies are never scanned: the general reader's fixed costs are small next to them. */
  public static final int MAX_BYTES = 512;

  private static final byte[] HEAD = "{\"jsonrpc\":\"2.0\",\"result\":".getBytes(US_ASCII);
  private static final byte[] ID = ",\"id\":\"".getBytes(US_ASCII);
  private static final byte[] TRUE = "true".getBytes(US_ASCII);
  private static final byte[] FALSE = "false".getBytes(US_ASCII);
  private static final byte[] NULL = "null".getBytes(US_ASCII);

  private SmallAnswerScanner() {}

  /** The payload of {@code utf8} when it is such an answer, else {@code null}. */
  public static JsonRpcPayload scan(byte[] utf8) {
    int n = utf8.length;
    if (n > MAX_BYTES || !startsWith(utf8, 0, HEAD)) {
      return null;
    }
    int at = HEAD.length;
    JsonElement result;
    if (startsWith(utf8, at, TRUE)) {
      result = new JsonPrimitive(Boolean.TRUE);
      at += TRUE.length;
    } else if (startsWith(utf8, at, FALSE)) {
      result = new JsonPrimitive(Boolean.FALSE);
      at += FALSE.length;
    } else if (startsWith(utf8, at, NULL)) {
      result = JsonNull.INSTANCE;
      at += NULL.length;
    } else if (at < n && utf8[at] == '"') {
      int end = plainStringEnd(utf8, at + 1);
      if (end < 0) { // "<= 0" is equivalent: end is at least at + 1
        return null;
      }
      result = new JsonPrimitive(new String(utf8, at + 1, end - at - 1, US_ASCII));
      at = end + 1;
    } else {
      return null;
    }
    if (!startsWith(utf8, at, ID)) {
      return null;
    }
    int idStart = at + ID.length;
    int idEnd = plainStringEnd(utf8, idStart);
    // Exactly '"' '}' after the id, and nothing more. ("idEnd <= 0" is equivalent: idEnd >= idStart > 0.)
    if (idEnd < 0 || idEnd + 2 != n || utf8[idEnd + 1] != '}') {
      return null;
    }
    JsonRpcId id = new JsonRpcId.StringId(new String(utf8, idStart, idEnd - idStart, US_ASCII));
    return new JsonRpcPayload(false, List.of(new JsonRpcPayload.Valid(new JsonRpcResponse(id, result, null))));
  }

  /** The index of the closing quote of a string of printable ASCII without escapes from {@code from}, else -1. */
  private static int plainStringEnd(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return -1;
      }
    }
    return -1;
  }

  /**
   * Equivalent mutants here: "at + prefix.length >= b.length", and "true" for a prefix that runs past
   * the end. Every prefix scanned must be followed by more bytes (a value, the id, '"}'), which
   * {@link #plainStringEnd} then fails to find, so the answer is null either way.
   */
  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    if (at + prefix.length > b.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}

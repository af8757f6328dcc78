package org.ovirt.vdsm.messaging.jsonrpc.gson;

import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.Reader;
import java.lang.reflect.Type;
import java.nio.charset.CharacterCodingException;
import java.util.function.Function;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcLimits;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.TypedSuccess;

/**
 * Internal: reads a single JSON-RPC success response whose caller wants the result as a Java type,
 * in one pass of Gson's streaming {@link JsonReader} over the body, the result read by the type's
 * adapter with no tree in between.
 *
 * <p>The type depends on the call, so on the id. When {@code id} comes before {@code result} (as
 * VDSM writes), it is known in time. When it comes after (as {@link MessageWriter} writes), the id
 * is first guessed from the end of the body ({@link TailId}); the guess only picks the type, and
 * the id read in full must equal it, or the result is not used.
 *
 * <p>Only the plain shape is taken: one object with exactly the members {@code jsonrpc} ({@code
 * "2.0"}), {@code result} and a string {@code id}, no member twice, nothing after it. Anything else
 * (a batch, an error, a null or number id, other members, malformed JSON, a result its type
 * refuses) gives {@code null}, and the caller decodes the body the general way ({@link
 * PayloadReader}), which reports it exactly as before. Thread-safe (no state).
 */
public final class TypedResponseReader {
  private TypedResponseReader() {}

  /**
   * Reads {@code utf8} if it has the plain shape and {@code typeOf} gives a type for its id.
   *
   * @param typeOf the type wanted for the result of the call with that id, or {@code null} for none
   * @return the id and the result read as that type, or {@code null} (decode the general way)
   */
  public static TypedSuccess read(byte[] utf8, Function<JsonRpcId, Type> typeOf, JsonRpcLimits limits) {
    if (!startsWithObject(utf8)) {
      return null;
    }
    Reader chars;
    try {
      chars = StrictUtf8.reader(utf8);
    } catch (CharacterCodingException e) {
      return null;
    }
    JsonReader in = new JsonReader(chars);
    in.setStrictness(Strictness.STRICT);
    in.setNestingLimit(limits.nestingLimit());
    try {
      return read(in, utf8, typeOf);
    } catch (Exception e) {
      // Malformed JSON, or a result its type's adapter refuses: the general way reports it.
      return null;
    }
  }

  private static TypedSuccess read(JsonReader in, byte[] utf8, Function<JsonRpcId, Type> typeOf) throws Exception {
    boolean version = false;
    JsonRpcId id = null;
    JsonRpcId readFor = null;
    boolean hasResult = false;
    Object result = null;
    in.beginObject();
    while (in.hasNext()) {
      String name = in.nextName();
      switch (name) {
        case "jsonrpc" -> {
          if (version || in.peek() != JsonToken.STRING || !JsonRpcMessage.VERSION.equals(in.nextString())) {
            return null;
          }
          version = true;
        }
        case "id" -> {
          if (id != null || in.peek() != JsonToken.STRING) {
            return null;
          }
          id = new JsonRpcId.StringId(in.nextString());
        }
        case "result" -> {
          if (hasResult) {
            return null;
          }
          readFor = id != null ? id : TailId.find(utf8);
          Type type = readFor == null ? null : typeOf.apply(readFor);
          if (type == null) {
            return null;
          }
          TypeAdapter<?> adapter = JsonRpcCodec.gson().getAdapter(TypeToken.get(type));
          result = adapter.read(in);
          hasResult = true;
        }
        default -> {
          return null;
        }
      }
    }
    in.endObject();
    if (in.peek() != JsonToken.END_DOCUMENT || !version || !hasResult || id == null || !id.equals(readFor)) {
      return null;
    }
    return new TypedSuccess(id, result);
  }

  /**
   * A cheap filter before decoding: its two {@code false} returned as {@code true} are equivalent
   * mutants, because the reader then fails at {@code beginObject} and gives {@code null} anyway.
   */
  private static boolean startsWithObject(byte[] utf8) {
    for (byte b : utf8) {
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return false;
  }
}

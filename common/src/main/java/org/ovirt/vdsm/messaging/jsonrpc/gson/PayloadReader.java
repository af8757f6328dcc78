package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcLimits;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Invalid;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Item;

/**
 * Internal: reads one JSON-RPC 2.0 body in a single streaming pass over a strict {@link JsonReader}
 * and classifies it into a {@link JsonRpcPayload}. Bad input never throws: it becomes {@link Invalid}
 * items. The whole body is read before anything is returned, because "if the batch rpc call itself
 * fails to be recognized as an valid JSON [...] the response from the Server MUST be a single
 * Response object" (JSON-RPC 2.0, section 6), wherever the syntax error is.
 *
 * <p>Only the members a message is made of ({@code jsonrpc}, {@code method}, {@code params}, {@code
 * id}, {@code result}, {@code error}) are kept as trees; other members are checked for syntax and
 * dropped. Each call uses its own state, so the class is thread-safe.
 */
public final class PayloadReader {

  /** Gson's own element adapter, used only to read numbers exactly as they were written. */
  private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  private static final Pattern LOCATION = Pattern.compile(" at line (\\d+) column (\\d+)");

  private final JsonReader in;
  private final JsonRpcLimits limits;
  /** The first duplicate member found inside a kept member value of the current message. */
  private String nestedDuplicate;
  /** Values read so far in the whole body, kept or not. */
  private int values;

  private PayloadReader(JsonReader in, JsonRpcLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  /** A body over one of the {@link JsonRpcLimits}: reading stops at once, nothing more is built. */
  private static final class OverLimit extends IOException {
    OverLimit(String message) {
      super(message);
    }
  }

  /**
   * Reads and classifies a whole body.
   *
   * @param reader the body's characters; read to its end, not closed
   * @param nestingLimit the deepest nesting of arrays and objects accepted, the outermost counted;
   *     deeper input is a parse error
   * @return the classified payload, never {@code null}
   */
  public static JsonRpcPayload read(Reader reader, int nestingLimit) {
    if (nestingLimit < 1) {
      throw new IllegalArgumentException("nestingLimit must be at least 1: " + nestingLimit);
    }
    return read(reader, JsonRpcLimits.DEFAULTS.withNestingLimit(nestingLimit));
  }

  /**
   * Reads and classifies a whole body within {@code limits}: a body over a bound of batch members or
   * values becomes one {@code -32600} item naming the bound, found before more is built.
   *
   * @param reader the body's characters; read up to its end or up to the bound, not closed
   * @param limits the bounds on nesting, batch members and values
   * @return the classified payload, never {@code null}
   */
  public static JsonRpcPayload read(Reader reader, JsonRpcLimits limits) {
    requireNonNull(reader, "reader");
    requireNonNull(limits, "limits");
    JsonReader in = new JsonReader(reader);
    in.setStrictness(Strictness.STRICT);
    in.setNestingLimit(limits.nestingLimit());
    return new PayloadReader(in, limits).readPayload();
  }

  private JsonRpcPayload readPayload() {
    boolean afterValue = false;
    try {
      JsonRpcPayload payload;
      if (in.peek() == JsonToken.BEGIN_ARRAY) {
        in.beginArray();
        List<Item> items = new ArrayList<>();
        while (in.hasNext()) {
          if (items.size() == limits.maxBatchMembers()) {
            throw new OverLimit("a batch may have at most " + limits.maxBatchMembers() + " members");
          }
          items.add(readItem(true));
        }
        in.endArray();
        payload =
            items.isEmpty()
                // "rpc call with an empty Array" is answered with one Response object, not an array.
                ? single(MessageMembers.invalid(JsonRpcId.NULL, "an empty array is not a valid batch"))
                : new JsonRpcPayload(true, items);
      } else {
        payload = single(readItem(false));
      }
      afterValue = true;
      if (in.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedJsonException("more than one JSON value");
      }
      return payload;
    } catch (OverLimit e) {
      return single(MessageMembers.invalid(JsonRpcId.NULL, e.getMessage()));
    } catch (IOException e) {
      return single(
          new Invalid(JsonRpcId.NULL, JsonRpcError.parseError(describe(e, afterValue))));
    }
  }

  private static JsonRpcPayload single(Item item) {
    return new JsonRpcPayload(false, List.of(item));
  }

  private String describe(IOException e, boolean afterValue) {
    if (e instanceof CharacterCodingException) {
      return "the body is not valid UTF-8";
    }
    String text = e.getMessage() == null ? "" : e.getMessage();
    Matcher m = LOCATION.matcher(text);
    String where = m.find() ? " at line " + m.group(1) + " column " + m.group(2) : "";
    if (text.startsWith("Nesting limit")) {
      return "arrays and objects nested deeper than " + limits.nestingLimit() + " levels" + where;
    }
    if (e instanceof EOFException) {
      return "unexpected end of input" + where;
    }
    if (afterValue) {
      return "unexpected data after the JSON value" + where;
    }
    return "malformed JSON" + where;
  }

  private Item readItem(boolean inBatch) throws IOException {
    JsonToken token = in.peek();
    if (token == JsonToken.BEGIN_OBJECT) {
      return readMessage();
    }
    readValue(false);
    return MessageMembers.invalid(
        JsonRpcId.NULL,
        (inBatch ? "a batch member must be an object, not " : "the body must be an object or an array, not ")
            + kind(token));
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case BEGIN_ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "an object";
    };
  }

  /** Reads one object, in whatever member order, and classifies it ({@link MessageMembers}). */
  private Item readMessage() throws IOException {
    countValue();
    in.beginObject();
    nestedDuplicate = null;
    Set<String> names = new HashSet<>();
    String duplicate = null;
    JsonElement jsonrpc = null;
    JsonElement method = null;
    JsonElement params = null;
    JsonElement id = null;
    JsonElement result = null;
    JsonElement error = null;
    while (in.hasNext()) {
      String name = in.nextName();
      if (!names.add(name)) {
        if (duplicate == null) {
          duplicate = name;
        }
        readValue(false);
        continue;
      }
      switch (name) {
        case "jsonrpc" -> jsonrpc = readValue(true);
        case "method" -> method = readValue(true);
        case "params" -> params = readValue(true);
        case "id" -> id = readValue(true);
        case "result" -> result = readValue(true);
        case "error" -> error = readValue(true);
        default -> readValue(false); // "liberal": unknown members are ignored
      }
    }
    in.endObject();
    return new MessageMembers(jsonrpc, method, params, id, result, error, duplicate, nestedDuplicate)
        .classify();
  }

  /** Counts one more value of the body; past the bound, reading stops. */
  private void countValue() throws OverLimit {
    if (++values > limits.maxValues()) {
      throw new OverLimit("a body may hold at most " + limits.maxValues() + " JSON values");
    }
  }

  /**
   * Reads the next value, checking its syntax fully (strings are decoded, never skipped). With
   * {@code keep} it returns the value as a tree and records the first duplicate member name found
   * inside it; without, it returns {@code null}. Iterative: the depth is bounded by the reader's
   * nesting limit, not by the Java stack.
   */
  private JsonElement readValue(boolean keep) throws IOException {
    Deque<JsonElement> open = new ArrayDeque<>();
    JsonElement root = null;
    String name = null;
    int depth = 0;
    do {
      JsonToken token = in.peek();
      JsonElement value;
      if (token != JsonToken.END_OBJECT && token != JsonToken.END_ARRAY && token != JsonToken.NAME) {
        countValue();
      }
      switch (token) {
        case BEGIN_OBJECT -> {
          in.beginObject();
          value = keep ? new JsonObject() : null;
        }
        case BEGIN_ARRAY -> {
          in.beginArray();
          value = keep ? new JsonArray() : null;
        }
        case END_OBJECT -> {
          in.endObject();
          depth--;
          if (keep) {
            open.pop();
          }
          continue;
        }
        case END_ARRAY -> {
          in.endArray();
          depth--;
          if (keep) {
            open.pop();
          }
          continue;
        }
        case NAME -> {
          name = in.nextName();
          if (keep
              && nestedDuplicate == null
              && ((JsonObject) open.peek()).has(name)) {
            nestedDuplicate =
                "duplicate member '" + MessageMembers.shorten(name) + "' at "
                    + MessageMembers.shorten(in.getPath());
          }
          continue;
        }
        case STRING -> {
          String s = in.nextString();
          value = keep ? new JsonPrimitive(s) : null;
        }
        case NUMBER -> {
          if (keep) {
            value = ELEMENTS.read(in); // keeps the number's text exactly
          } else {
            in.nextString();
            value = null;
          }
        }
        case BOOLEAN -> {
          boolean b = in.nextBoolean();
          value = keep ? new JsonPrimitive(b) : null;
        }
        case NULL -> {
          in.nextNull();
          value = keep ? JsonNull.INSTANCE : null;
        }
        default -> throw new EOFException("unexpected end of input");
      }
      if (keep) {
        JsonElement parent = open.peek();
        if (parent == null) {
          root = value;
        } else if (parent instanceof JsonArray array) {
          array.add(value);
        } else {
          ((JsonObject) parent).add(name, value);
        }
        if (token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY) {
          open.push(value);
        }
      }
      if (token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY) {
        depth++;
      }
    } while (depth > 0);
    return root;
  }
}

package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;

/**
 * Internal: writes JSON-RPC 2.0 messages compactly with a fixed member order, {@code jsonrpc} first
 * and {@code id} last. Writes {@code "result":null} and {@code "id":null} explicitly ("This member
 * is REQUIRED", JSON-RPC 2.0, section 5) and never escapes HTML characters. Stateless and
 * thread-safe.
 */
public final class MessageWriter {

  private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  private MessageWriter() {}

  /** A compact writer that keeps {@code <}, {@code >}, {@code &}, {@code =} and {@code '} as they are. */
  public static JsonWriter newWriter(Writer out) {
    JsonWriter writer = new JsonWriter(requireNonNull(out, "out"));
    // Both are JsonWriter's defaults (so removing either changes nothing); set to say what is relied on.
    writer.setHtmlSafe(false);
    writer.setSerializeNulls(true);
    return writer;
  }

  /** Writes a batch: a JSON array of the messages, in order; the list must not be empty. */
  public static void writeBatch(JsonWriter out, List<? extends JsonRpcMessage> messages)
      throws IOException {
    requireNonNull(messages, "messages");
    if (messages.isEmpty()) {
      // "the server MUST NOT return an empty Array" (JSON-RPC 2.0, section 6)
      throw new IllegalArgumentException("a batch has at least one message");
    }
    out.beginArray();
    for (JsonRpcMessage message : messages) {
      write(out, requireNonNull(message, "message"));
    }
    out.endArray();
  }

  /**
   * Writes one message.
   *
   * @throws IllegalArgumentException if a value cannot be written as JSON (NaN or infinite numbers)
   */
  public static void write(JsonWriter out, JsonRpcMessage message) throws IOException {
    requireNonNull(out, "out");
    requireNonNull(message, "message");
    out.beginObject();
    out.name("jsonrpc").value(JsonRpcMessage.VERSION);
    if (message instanceof JsonRpcRequest request) {
      writeCall(out, request.method(), request.params());
      writeId(out, request.id());
    } else if (message instanceof JsonRpcNotification notification) {
      writeCall(out, notification.method(), notification.params());
    } else {
      JsonRpcResponse response = (JsonRpcResponse) message;
      if (response.isSuccess()) {
        out.name("result");
        ELEMENTS.write(out, response.result());
      } else {
        writeError(out, response.error());
      }
      writeId(out, response.id());
    }
    out.endObject();
  }

  /**
   * Writes a success response {@code {"jsonrpc":"2.0","result":…,"id":…}} straight into {@code
   * out}: the same bytes as {@link #write(JsonWriter, JsonRpcMessage)} gives for a response with
   * the same result as a tree.
   *
   * @throws IOException when a streamed value's code fails, or it writes anything but exactly one
   *     value
   * @throws IllegalArgumentException if a value cannot be written as JSON (NaN or infinite numbers)
   * @throws Utf8Buffer.Full when the response passes the bound of {@code out}
   */
  public static void writeSuccess(Utf8Buffer out, JsonRpcId id, ResultValue result) throws IOException {
    requireNonNull(id, "id");
    out.writeAscii("{\"jsonrpc\":\"" + JsonRpcMessage.VERSION + "\",\"result\":");
    writeValue(out, result);
    out.writeAscii(",\"id\":");
    JsonWriter idWriter = newWriter(out.writer());
    writeIdValue(idWriter, id);
    idWriter.flush(); // JsonWriter does not buffer and a Utf8Buffer flushes nothing: kept for form
    out.writeAscii("}");
  }

  /** Writes one result value into {@code out}; see {@link #writeSuccess}. */
  public static void writeValue(Utf8Buffer out, ResultValue value) throws IOException {
    requireNonNull(value, "value");
    if (value instanceof ResultValue.PreEncoded encoded) {
      encoded.json().writeTo(out);
    } else if (value instanceof ResultValue.Tree tree) {
      writeTree(out, tree.tree());
    } else {
      JsonWriter writer = newWriter(out.writer());
      ((ResultValue.Streamed) value).writing().write(writer);
      // close() refuses an empty or unfinished document; it closes nothing else (the buffer's
      // writer ignores close).
      writer.close();
    }
  }

  /** Writes one tree compactly into {@code out}. */
  public static void writeTree(Utf8Buffer out, JsonElement tree) throws IOException {
    JsonWriter writer = newWriter(out.writer());
    ELEMENTS.write(writer, requireNonNull(tree, "tree"));
    writer.flush(); // as in writeSuccess: without it, the same bytes
  }

  private static void writeCall(JsonWriter out, String method, JsonElement params)
      throws IOException {
    out.name("method").value(method);
    if (params != null) {
      out.name("params");
      ELEMENTS.write(out, params);
    }
  }

  private static void writeError(JsonWriter out, JsonRpcError error) throws IOException {
    out.name("error").beginObject();
    out.name("code").value(error.code());
    out.name("message").value(error.message());
    if (error.data() != null) {
      out.name("data");
      ELEMENTS.write(out, error.data());
    }
    out.endObject();
  }

  private static void writeId(JsonWriter out, JsonRpcId id) throws IOException {
    out.name("id");
    writeIdValue(out, id);
  }

  private static void writeIdValue(JsonWriter out, JsonRpcId id) throws IOException {
    if (id instanceof JsonRpcId.StringId s) {
      out.value(s.value());
    } else if (id instanceof JsonRpcId.NumberId n) {
      out.value(n.value()); // BigDecimal.toString(): "1" stays 1, "1.0" stays 1.0
    } else {
      out.nullValue();
    }
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import org.ovirt.vdsm.messaging.jsonrpc.gson.MessageWriter;
import org.ovirt.vdsm.messaging.jsonrpc.gson.PreEncodedJson;
import org.ovirt.vdsm.messaging.jsonrpc.gson.Utf8Buffer;

/**
 * The result of a successful call as a host hands it over to be answered. It is written straight
 * into the answer's UTF-8 bytes when the answer is encoded, never turned into a tree on the way:
 *
 * <ul>
 *   <li>{@link #of(JsonElement)}: a Gson tree the method built (written by walking it);
 *   <li>{@link #of(Object, Type)} and {@link #written(Writing)}: a value written by streaming with
 *       Gson's {@code JsonWriter} (a Java object through its type adapter, or code that writes the
 *       members itself), each time it is sent;
 *   <li>{@link #preEncoded(JsonElement)} and {@link #preEncoded(byte[])}: UTF-8 JSON encoded once,
 *       for a value that genuinely does not change between calls (a host that caches its
 *       capabilities); sending it copies its bytes.
 * </ul>
 *
 * <p>A value that cannot be written (a NaN or infinite number, an exception of the writing code)
 * makes its answer an error response; see {@link JsonRpcCodec#encodeSuccessWithin}.
 */
public sealed interface ResultValue
    permits ResultValue.Tree, ResultValue.Streamed, ResultValue.PreEncoded {

  /** Code that writes one JSON value with a {@link JsonWriter}. */
  @FunctionalInterface
  interface Writing {
    /** Writes exactly one JSON value to {@code out}. */
    void write(JsonWriter out) throws IOException;
  }

  /** The JSON value as a Gson tree (built for callers that need one, e.g. XML-RPC). */
  JsonElement toTree();

  /** A tree result; {@code null} is JSON {@code null}. */
  static ResultValue of(JsonElement tree) {
    return new Tree(tree == null ? JsonNull.INSTANCE : tree);
  }

  /**
   * A Java value written by streaming through the {@link JsonRpcCodec#gson()} adapter of {@code
   * type} each time it is sent (no tree is built).
   */
  static <T> ResultValue of(T value, Type type) {
    requireNonNull(type, "type");
    @SuppressWarnings("unchecked")
    TypeAdapter<T> adapter = (TypeAdapter<T>) JsonRpcCodec.gson().getAdapter(TypeToken.get(type));
    return new Streamed(out -> adapter.write(out, value));
  }

  /** A value written by {@code writing} each time it is sent. */
  static ResultValue written(Writing writing) {
    return new Streamed(writing);
  }

  /** {@code tree} encoded once now (compact, as {@link #of(JsonElement)} would write it). */
  static ResultValue preEncoded(JsonElement tree) {
    requireNonNull(tree, "tree");
    return new PreEncoded(PreEncodedJson.of(tree));
  }

  /**
   * UTF-8 JSON text encoded elsewhere; checked once now to be exactly one strict JSON value in valid
   * UTF-8, and copied.
   *
   * @throws IllegalArgumentException when it is not
   */
  static ResultValue preEncoded(byte[] utf8) {
    return new PreEncoded(PreEncodedJson.of(utf8));
  }

  /** A tree result. */
  record Tree(JsonElement tree) implements ResultValue {
    public Tree {
      requireNonNull(tree, "tree");
    }

    @Override
    public JsonElement toTree() {
      return tree;
    }
  }

  /** A value written by streaming each time it is sent. */
  record Streamed(Writing writing) implements ResultValue {
    public Streamed {
      requireNonNull(writing, "writing");
    }

    @Override
    public JsonElement toTree() {
      Utf8Buffer out = new Utf8Buffer(256, Integer.MAX_VALUE - 16);
      try {
        MessageWriter.writeValue(out, this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return PreEncodedJson.of(out.toByteArray()).toTree();
    }
  }

  /** UTF-8 JSON text encoded once. */
  record PreEncoded(PreEncodedJson json) implements ResultValue {
    public PreEncoded {
      requireNonNull(json, "json");
    }

    /** Its length in bytes. */
    public int length() {
      return json.length();
    }

    @Override
    public JsonElement toTree() {
      return json.toTree();
    }
  }
}

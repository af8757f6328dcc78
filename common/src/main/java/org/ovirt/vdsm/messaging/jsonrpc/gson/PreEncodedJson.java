package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;

/**
 * Internal: one JSON value as UTF-8 bytes, checked once to be exactly one strict JSON value, never
 * changed after; what {@link org.ovirt.vdsm.messaging.jsonrpc.ResultValue#preEncoded} holds.
 */
public final class PreEncodedJson {
  private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  private final byte[] utf8;

  private PreEncodedJson(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** {@code tree} encoded compactly, the bytes {@link MessageWriter} writes for it. */
  public static PreEncodedJson of(JsonElement tree) {
    requireNonNull(tree, "tree");
    Utf8Buffer out = new Utf8Buffer(1024, Integer.MAX_VALUE - 16);
    try {
      MessageWriter.writeTree(out, tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a Utf8Buffer does not fail with an IOException
    }
    return new PreEncodedJson(out.toByteArray());
  }

  /**
   * A copy of {@code utf8}, checked to be one JSON value in valid UTF-8.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static PreEncodedJson of(byte[] utf8) {
    requireNonNull(utf8, "utf8");
    parse(utf8);
    return new PreEncodedJson(utf8.clone());
  }

  /** Its length in bytes. */
  public int length() {
    return utf8.length;
  }

  /** Appends its bytes to {@code out}. */
  public void writeTo(Utf8Buffer out) {
    out.write(utf8, 0, utf8.length);
  }

  /** The value as a Gson tree (a new one each time). */
  public JsonElement toTree() {
    return parse(utf8);
  }

  private static JsonElement parse(byte[] utf8) {
    Reader chars;
    try {
      chars = StrictUtf8.reader(utf8);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not valid UTF-8", e);
    }
    JsonReader in = new JsonReader(chars);
    in.setStrictness(Strictness.STRICT);
    try {
      JsonElement value = ELEMENTS.read(in);
      if (in.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("more than one JSON value");
      }
      return value;
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("not one strict JSON value: " + e.getMessage(), e);
    }
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.stream.JsonWriter;
import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.List;
import java.util.Optional;
import org.ovirt.vdsm.messaging.jsonrpc.gson.MessageWriter;
import org.ovirt.vdsm.messaging.jsonrpc.gson.PayloadReader;
import org.ovirt.vdsm.messaging.jsonrpc.gson.SmallAnswerScanner;
import org.ovirt.vdsm.messaging.jsonrpc.gson.TypedResponseReader;
import org.ovirt.vdsm.messaging.jsonrpc.gson.Utf8Buffer;

/**
 * Reads and writes JSON-RPC 2.0 bodies (UTF-8 JSON text). Stateless and thread-safe.
 *
 * <p><b>Decoding</b> never throws on bad input; every body becomes a {@link JsonRpcPayload}:
 *
 * <ul>
 *   <li>not JSON ("Invalid JSON was received by the server"), including invalid UTF-8, data after the
 *       value, {@code NaN}/{@code Infinity}, comments, unescaped control characters, unpaired
 *       surrogate escapes and nesting deeper than the limit: one {@code -32700} item, id {@code
 *       null}, not a batch;
 *   <li>JSON that is neither an object nor an array, or an empty array ("the response from the
 *       Server MUST be a single Response object"): one {@code -32600} item, not a batch;
 *   <li>an array: a batch, one item per element in order; an element that is not an object is a
 *       {@code -32600} item with id {@code null};
 *   <li>an object: a request when it has {@code method} and an {@code id} member (which may be
 *       {@code null}), a notification when it has {@code method} and no {@code id} member ("A
 *       Notification is a Request object without an "id" member"), a response when it has no
 *       {@code method} but {@code result} or {@code error}; anything else is {@code -32600}.
 * </ul>
 *
 * <p>Choices where the specification is silent: member order never matters; a member name repeated
 * in one object, at the top level of the message or anywhere inside {@code params}, {@code result}
 * or {@code error}, is {@code -32600} (RFC 8259 leaves the meaning of duplicates undefined, so no
 * guess is made; a repeated {@code id} is not echoed); unknown members are ignored, unchecked except
 * for JSON syntax; {@code "params":null} is {@code -32600} ("If present, parameters [...] MUST be
 * provided as a Structured value"); a request with {@code result} or {@code error} members is still a request; an
 * {@code error.code} is accepted when its value is an integer that fits 32 bits, even if written
 * {@code 1.0} or {@code 1e2}; an invalid message keeps its id when the id member is of a valid kind,
 * so the error response can echo it. A leading UTF-8 byte order mark is ignored (RFC 8259, section
 * 8.1). As RFC 8259, section 9 allows, numbers longer than 1024 characters are refused as a parse
 * error (a limit of the Gson reader).
 *
 * <p><b>Encoding</b> is compact, UTF-8, with a fixed member order: {@code
 * {"jsonrpc":"2.0","method":…,"params":…,"id":…}} (no {@code params} when {@code null}, no {@code
 * id} for a notification), {@code {"jsonrpc":"2.0","result":…,"id":…}} and {@code
 * {"jsonrpc":"2.0","error":{"code":…,"message":…,"data":…},"id":…}} (no {@code data} when {@code
 * null}). {@code "result":null} and {@code "id":null} are written explicitly; HTML characters are
 * not escaped; a number id is written as its {@link java.math.BigDecimal} text. An unpaired
 * surrogate in a Java string cannot be written as UTF-8 and becomes {@code ?}.
 */
public final class JsonRpcCodec {

  /**
   * The default deepest nesting of arrays and objects a body may have, the outermost counted: a
   * batch, its message objects and their {@code params} are already three levels.
   */
  public static final int DEFAULT_NESTING_LIMIT = JsonRpcLimits.DEFAULT_NESTING_LIMIT;

  private static final Gson GSON =
      new GsonBuilder()
          .disableHtmlEscaping()
          .serializeNulls()
          .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
          .setStrictness(Strictness.STRICT)
          .create();

  private JsonRpcCodec() {}

  /**
   * The shared Gson instance for converting params and results to and from Java types: no HTML
   * escaping, {@code null} members written, strict, and untyped numbers ({@code Object}, {@code
   * Map<String, Object>}) read as {@code Long} when integral, else {@code Double}.
   */
  public static Gson gson() {
    return GSON;
  }

  /** Decodes a UTF-8 body within the {@linkplain JsonRpcLimits#DEFAULTS default limits}. */
  public static JsonRpcPayload decode(byte[] utf8) {
    return decode(utf8, JsonRpcLimits.DEFAULTS);
  }

  /**
   * Decodes a UTF-8 body; malformed UTF-8 is a parse error, never replaced.
   *
   * @param utf8 the body; not modified, not copied
   * @param nestingLimit the deepest nesting of arrays and objects accepted, at least 1
   */
  public static JsonRpcPayload decode(byte[] utf8, int nestingLimit) {
    return decode(utf8, JsonRpcLimits.DEFAULTS.withNestingLimit(nestingLimit));
  }

  /**
   * Decodes a UTF-8 body within {@code limits}; malformed UTF-8 is a parse error, never replaced;
   * a body over a bound of {@code limits} is one {@code -32600} item naming it.
   *
   * @param utf8 the body; not modified, not copied
   * @param limits bounds on nesting, batch members and values
   */
  public static JsonRpcPayload decode(byte[] utf8, JsonRpcLimits limits) {
    requireNonNull(utf8, "utf8");
    requireNonNull(limits, "limits");
    // The small answer with a scalar result as our host writes it (most answers an engine gets):
    // read from the bytes, no JsonReader; anything else goes the general way below.
    // The shortcut's answers hold 4 values, so any bound from 4 up would do: "> 16" is equivalent.
    JsonRpcPayload small = limits.maxValues() >= 16 ? SmallAnswerScanner.scan(utf8) : null;
    if (small != null) {
      return small;
    }
    CharsetDecoder decoder =
        UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    // Both ways decode alike (only speed differs): "<" for "<=", and the negation, are equivalent.
    if (utf8.length <= WHOLE_DECODE_BYTES) {
      // Small bodies (nearly all calls): decode the characters in one go; a stream decoder would
      // allocate and fill an 8 KiB buffer per message, which costs more than the parse itself.
      CharBuffer chars;
      try {
        chars = decoder.decode(ByteBuffer.wrap(utf8));
      } catch (CharacterCodingException e) {
        chars = null;
      }
      if (chars != null) {
        // offset and position are 0 in a buffer from decode(): "-" for "+" is equivalent.
        return PayloadReader.read(new CharArrayReader(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining()), limits);
      }
      // Malformed UTF-8: let the streaming path report it where it is.
      decoder.reset();
    }
    return PayloadReader.read(
        new InputStreamReader(new ByteArrayInputStream(utf8), decoder), limits);
  }

  /**
   * Reads a body as a single success response whose result is wanted as a Java type, straight from
   * the bytes with Gson's streaming reader (no tree), when it has the plain shape: one object with
   * exactly {@code jsonrpc} ({@code "2.0"}), {@code result} and a string {@code id}, in any order.
   * Anything else, or a result that does not fit the type, gives empty: decode the body with
   * {@link #decode(byte[], JsonRpcLimits)}, which classifies it as always.
   *
   * @param utf8 the body; not modified
   * @param typeOf the type wanted for the result of the call with a given id, {@code null} for none
   * @param limits the nesting limit applies
   */
  public static Optional<TypedSuccess> decodeTypedSuccess(
      byte[] utf8, java.util.function.Function<JsonRpcId, java.lang.reflect.Type> typeOf, JsonRpcLimits limits) {
    requireNonNull(utf8, "utf8");
    requireNonNull(typeOf, "typeOf");
    requireNonNull(limits, "limits");
    return Optional.ofNullable(TypedResponseReader.read(utf8, typeOf, limits));
  }

  /** Bodies up to this size are decoded to characters at once; larger ones are streamed. */
  private static final int WHOLE_DECODE_BYTES = 64 * 1024;

  /** Decodes a body already in characters, with the default nesting limit. */
  public static JsonRpcPayload decode(String json) {
    return decode(json, DEFAULT_NESTING_LIMIT);
  }

  /** Decodes a body already in characters. */
  public static JsonRpcPayload decode(String json, int nestingLimit) {
    return decode(json, JsonRpcLimits.DEFAULTS.withNestingLimit(nestingLimit));
  }

  /** Decodes a body already in characters, within {@code limits}. */
  public static JsonRpcPayload decode(String json, JsonRpcLimits limits) {
    requireNonNull(json, "json");
    return PayloadReader.read(new StringReader(json), limits);
  }

  /**
   * Encodes one message as UTF-8, straight to bytes.
   *
   * @throws IllegalArgumentException if a value cannot be written as JSON (NaN, infinities)
   */
  public static byte[] encode(JsonRpcMessage message) {
    requireNonNull(message, "message");
    Utf8Buffer out = new Utf8Buffer(256, Integer.MAX_VALUE - 16);
    write(out.writer(), writer -> MessageWriter.write(writer, message));
    return out.toByteArray();
  }

  /**
   * Encodes a batch, a JSON array of the messages in order, as UTF-8.
   *
   * @throws IllegalArgumentException if the list is empty ("the server MUST NOT return an empty
   *     Array") or a value cannot be written as JSON
   */
  public static byte[] encodeBatch(List<? extends JsonRpcMessage> messages) {
    requireNonNull(messages, "messages");
    // An initial capacity only ("/" for "*" is equivalent): the buffer grows as needed.
    Utf8Buffer out = new Utf8Buffer(256 * Math.max(1, Math.min(messages.size(), 64)), Integer.MAX_VALUE - 16);
    write(out.writer(), writer -> MessageWriter.writeBatch(writer, messages));
    return out.toByteArray();
  }

  /** JSON text written with one {@link JsonWriter}. */
  @FunctionalInterface
  private interface JsonText {
    void writeTo(JsonWriter writer) throws IOException;
  }

  /**
   * Writes {@code text} into {@code out} through a {@link MessageWriter#newWriter} writer. The
   * writers given here (a {@link Utf8Buffer}'s, a {@link StringWriter}) never fail with an
   * {@link IOException}; a {@link Utf8Buffer.Full} goes to the caller.
   */
  private static void write(Writer out, JsonText text) {
    try {
      JsonWriter writer = MessageWriter.newWriter(out);
      text.writeTo(writer);
      writer.flush(); // JsonWriter does not buffer, these writers flush nothing: removing it is equivalent
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes one message as a string; see {@link #encode(JsonRpcMessage)}. */
  public static String encodeToString(JsonRpcMessage message) {
    requireNonNull(message, "message");
    StringWriter out = new StringWriter();
    write(out, writer -> MessageWriter.write(writer, message));
    return out.toString();
  }

  /**
   * Encodes one message as UTF-8 unless its encoding would be longer than {@code maxBytes}; the
   * writing stops as soon as that is known, so an oversized message is never held whole twice.
   *
   * @return the encoding, or empty when it would exceed {@code maxBytes}
   */
  public static Optional<byte[]> encodeWithin(JsonRpcMessage message, int maxBytes) {
    requireNonNull(message, "message");
    Utf8Buffer out = new Utf8Buffer(Math.min(256, maxBytes), maxBytes);
    try {
      write(out.writer(), writer -> MessageWriter.write(writer, message));
    } catch (Utf8Buffer.Full e) {
      return Optional.empty();
    }
    return Optional.of(out.toByteArray());
  }

  /**
   * Encodes the success response {@code {"jsonrpc":"2.0","result":…,"id":…}} of {@code result}
   * straight to UTF-8 bytes unless it would be longer than {@code maxBytes}: the writing stops as
   * soon as that is known (a streamed value is not written further), and nothing of it is returned.
   * The bytes are those {@link #encode} gives for a response with the same result as a tree.
   *
   * @return the encoding, or empty when it would exceed {@code maxBytes}
   * @throws IllegalArgumentException when the value cannot be written: a NaN or infinite number, an
   *     exception of a streamed value's code, or code that does not write exactly one value
   */
  public static Optional<byte[]> encodeSuccessWithin(JsonRpcId id, ResultValue result, int maxBytes) {
    requireNonNull(id, "id");
    requireNonNull(result, "result");
    int expected = result instanceof ResultValue.PreEncoded p ? p.length() + 128 : 512;
    Utf8Buffer out = new Utf8Buffer(Math.min(expected, maxBytes), maxBytes);
    try {
      MessageWriter.writeSuccess(out, id, result);
    } catch (Utf8Buffer.Full e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the result cannot be written as JSON: " + e.getMessage(), e);
    }
    return Optional.of(out.toByteArray());
  }

  /** Encodes a batch as a string; see {@link #encodeBatch(List)}. */
  public static String encodeBatchToString(List<? extends JsonRpcMessage> messages) {
    requireNonNull(messages, "messages");
    StringWriter out = new StringWriter();
    write(out, writer -> MessageWriter.writeBatch(writer, messages));
    return out.toString();
  }
}

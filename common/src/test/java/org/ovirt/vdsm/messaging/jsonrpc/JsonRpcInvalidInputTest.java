package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Invalid;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Item;

/** Bad input becomes one classified item with a message saying what was wrong; decode never throws. */
class JsonRpcInvalidInputTest {

  private static final int PARSE = JsonRpcError.PARSE_ERROR;
  private static final int INVALID = JsonRpcError.INVALID_REQUEST;

  static Stream<Arguments> invalidBodies() {
    return Stream.of(
        // name, body, code, echoed id (as JsonRpcId.toString()), message fragment
        row("jsonrpc missing", "{\"method\":\"m\",\"id\":1}", INVALID, "1", "missing 'jsonrpc'"),
        row("jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"method\":\"m\",\"id\":1}", INVALID, "1", "'jsonrpc' must be the string \"2.0\""),
        row("jsonrpc 2.0 as a number", "{\"jsonrpc\":2.0,\"method\":\"m\",\"id\":1}", INVALID, "1", "'jsonrpc' must be"),
        row("jsonrpc null", "{\"jsonrpc\":null,\"method\":\"m\",\"id\":\"x\"}", INVALID, "\"x\"", "'jsonrpc' must be"),
        row("method a number", "{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":1}", INVALID, "1", "'method' must be a string"),
        row("method null", "{\"jsonrpc\":\"2.0\",\"method\":null,\"id\":1}", INVALID, "1", "'method' must be a string"),
        row("method an object", "{\"jsonrpc\":\"2.0\",\"method\":{},\"id\":1}", INVALID, "1", "'method' must be a string"),
        row("params a string", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":\"bar\",\"id\":1}", INVALID, "1", "'params' must be an object or an array"),
        row("params a number", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":3,\"id\":1}", INVALID, "1", "'params' must be"),
        row("params null", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":null,\"id\":1}", INVALID, "1", "'params' must be"),
        row("params of a notification", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":true}", INVALID, "null", "'params' must be"),
        row("id an object", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":{\"a\":1}}", INVALID, "null", "'id' must be a string, a number or null"),
        row("id an array", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":[1]}", INVALID, "null", "'id' must be"),
        row("id a boolean", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":true}", INVALID, "null", "'id' must be"),
        row("id a number out of BigDecimal range", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1e9999999999}", INVALID, "null", "'id' is a number out of range"),
        row("both result and error", "{\"jsonrpc\":\"2.0\",\"result\":1,\"error\":{\"code\":1,\"message\":\"x\"},\"id\":4}", INVALID, "4", "both 'result' and 'error'"),
        row("neither method, result nor error", "{\"jsonrpc\":\"2.0\",\"id\":4}", INVALID, "4", "no 'method', 'result' or 'error'"),
        row("empty object", "{}", INVALID, "null", "missing 'jsonrpc'"),
        row("response without id", "{\"jsonrpc\":\"2.0\",\"result\":1}", INVALID, "null", "must have an 'id'"),
        row("error a string", "{\"jsonrpc\":\"2.0\",\"error\":\"boom\",\"id\":4}", INVALID, "4", "'error' must be an object"),
        row("error null", "{\"jsonrpc\":\"2.0\",\"error\":null,\"id\":4}", INVALID, "4", "'error' must be an object"),
        row("error without code", "{\"jsonrpc\":\"2.0\",\"error\":{\"message\":\"x\"},\"id\":4}", INVALID, "4", "'error' must have a 'code'"),
        row("error code 1.5", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1.5,\"message\":\"x\"},\"id\":4}", INVALID, "4", "'error.code' must be an integer"),
        row("error code a string", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":\"1\",\"message\":\"x\"},\"id\":4}", INVALID, "4", "'error.code' must be an integer"),
        row("error code over 32 bits", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":2147483648,\"message\":\"x\"},\"id\":4}", INVALID, "4", "'error.code' must be an integer"),
        row("error without message", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1},\"id\":4}", INVALID, "4", "'error' must have a 'message'"),
        row("error message a number", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":2},\"id\":4}", INVALID, "4", "'error.message' must be a string"),
        row("duplicate method", "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"method\":\"b\",\"id\":1}", INVALID, "1", "duplicate member 'method'"),
        row("duplicate id is not echoed", "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":1,\"id\":2}", INVALID, "null", "duplicate member 'id'"),
        row("duplicate unknown member", "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"x\":1,\"x\":1,\"id\":1}", INVALID, "1", "duplicate member 'x'"),
        row("duplicate inside params", "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":{\"b\":{\"c\":1,\"c\":2}},\"id\":1}", INVALID, "1", "duplicate member 'c' at $.params.b.c"),
        row("duplicate inside error", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"code\":2,\"message\":\"x\"},\"id\":1}", INVALID, "1", "duplicate member 'code' at $.error.code"),
        row("number", "1", INVALID, "null", "must be an object or an array, not a number"),
        row("string", "\"x\"", INVALID, "null", "not a string"),
        row("null", "null", INVALID, "null", "not null"),
        row("boolean", "true", INVALID, "null", "not a boolean"),
        row("empty array", "[]", INVALID, "null", "empty array"),
        row("empty array with blanks", " [ ] ", INVALID, "null", "empty array"),
        row("empty body", "", PARSE, "null", "unexpected end of input"),
        row("blank body", " \r\n\t", PARSE, "null", "unexpected end of input"),
        row("unterminated object", "{\"jsonrpc\":\"2.0\",\"method\":\"m\"", PARSE, "null", "unexpected end of input"),
        row("unterminated string", "{\"jsonrpc\":\"2.0\",\"method\":\"m", PARSE, "null", "Parse error"),
        row("trailing garbage", "{\"jsonrpc\":\"2.0\",\"method\":\"m\"} x", PARSE, "null", "unexpected data after the JSON value"),
        row("two values", "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}{\"jsonrpc\":\"2.0\",\"method\":\"m\"}", PARSE, "null", "after the JSON value"),
        row("trailing NUL", "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}\u0000", PARSE, "null", "after the JSON value"),
        row("NaN", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[NaN]}", PARSE, "null", "malformed JSON at line 1 column"),
        row("Infinity in an ignored member", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"x\":-Infinity}", PARSE, "null", "malformed JSON"),
        row("single quotes", "{'jsonrpc':'2.0','method':'m'}", PARSE, "null", "malformed JSON"),
        row("unquoted name", "{jsonrpc:\"2.0\",\"method\":\"m\"}", PARSE, "null", "malformed JSON"),
        row("trailing comma", "[{\"jsonrpc\":\"2.0\",\"method\":\"m\"},]", PARSE, "null", "malformed JSON"),
        row("comment", "/* c */ {\"jsonrpc\":\"2.0\",\"method\":\"m\"}", PARSE, "null", "malformed JSON"),
        row("leading zero", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":01}", PARSE, "null", "malformed JSON"),
        row("raw control character in a string", "{\"jsonrpc\":\"2.0\",\"method\":\"a\u0001b\"}", PARSE, "null", "malformed JSON"),
        row("raw control character in an ignored member", "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"x\":\"\u0001\"}", PARSE, "null", "malformed JSON"),
        row("invalid escape", "{\"jsonrpc\":\"2.0\",\"method\":\"a\\qb\"}", PARSE, "null", "malformed JSON"),
        row("unpaired surrogate escape", "{\"jsonrpc\":\"2.0\",\"method\":\"\\ud800\"}", PARSE, "null", "malformed JSON"),
        row("syntax error after an invalid batch member", "[1, {\"jsonrpc\":\"2.0\",\"method\":1}, {", PARSE, "null", "Parse error"),
        row("nesting over the limit", nested(65), PARSE, "null", "nested deeper than 64 levels"));
  }

  private static Arguments row(String name, String body, int code, String id, String fragment) {
    return Arguments.of(name, body, code, id, fragment);
  }

  /** A request whose params bring the whole body to {@code depth} levels of arrays and objects. */
  private static String nested(int depth) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1,\"params\":"
        + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBodies")
  void classifiesInvalidBody(String name, String body, int code, String id, String fragment) {
    for (JsonRpcPayload payload : List.of(JsonRpcCodec.decode(body), JsonRpcCodec.decode(body.getBytes(UTF_8)))) {
      Invalid invalid = Payloads.singleInvalid(payload);
      assertThat(invalid.error().code()).as("code").isEqualTo(code);
      assertThat(invalid.id()).as("id").hasToString(id);
      assertThat(invalid.error().message()).contains(fragment);
      assertCleanMessage(invalid.error());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBodies")
  void classifiesInvalidBatchMember(String name, String body, int code, String id, String fragment) {
    if (code != INVALID || body.isBlank() || body.trim().startsWith("[")) {
      return; // parse errors fail the whole batch; arrays are covered elsewhere
    }
    String batch = "[{\"jsonrpc\":\"2.0\",\"method\":\"before\",\"id\":\"b\"}," + body + ",{\"jsonrpc\":\"2.0\",\"method\":\"after\"}]";
    JsonRpcPayload payload = JsonRpcCodec.decode(batch);
    assertThat(payload.batch()).isTrue();
    assertThat(payload.items()).hasSize(3);
    assertThat(Payloads.describe(payload.items().get(0))).isEqualTo("request \"b\" before");
    assertThat(Payloads.describe(payload.items().get(1))).isEqualTo("invalid " + code + " " + id);
    assertThat(Payloads.describe(payload.items().get(2))).isEqualTo("notification after");
  }

  @Test
  void shortensPeerTextEchoedInMessages() {
    String name = "n".repeat(10_000);
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"" + name + "\":1,\"" + name + "\":2}";
    JsonRpcError error = Payloads.singleInvalid(JsonRpcCodec.decode(body)).error();
    assertThat(error.message()).startsWith("Invalid request: duplicate member 'nnn").endsWith("...'").hasSizeLessThan(200);
  }

  @Test
  void acceptsNestingAtTheLimit() {
    assertThat(Payloads.describe(JsonRpcCodec.decode(nested(64)))).isEqualTo("request 1 m");
  }

  @Test
  void nestingLimitIsConfigurable() {
    assertThat(Payloads.singleInvalid(JsonRpcCodec.decode(nested(64), 63)).error().code()).isEqualTo(PARSE);
    assertThat(Payloads.describe(JsonRpcCodec.decode(nested(200).getBytes(UTF_8), 200))).isEqualTo("request 1 m");
  }

  @Test
  void deepNestingFailsFastWithoutStackOverflow() {
    String body = "[".repeat(1_000_000);
    assertThat(Payloads.singleInvalid(JsonRpcCodec.decode(body)).error().code()).isEqualTo(PARSE);
  }

  static Stream<Arguments> invalidUtf8() {
    return Stream.of(
        Arguments.of("lone continuation byte", new byte[] {(byte) 0x80}),
        Arguments.of("truncated two-byte sequence at the end", new byte[] {(byte) 0xC3}),
        Arguments.of("overlong encoding of '/'", new byte[] {(byte) 0xC0, (byte) 0xAF}),
        Arguments.of("UTF-16 surrogate encoded in UTF-8", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
        Arguments.of("byte 0xFF", new byte[] {(byte) 0xFF}));
  }

  @ParameterizedTest(name = "{0} inside a string")
  @MethodSource("invalidUtf8")
  void rejectsInvalidUtf8InsideString(String name, byte[] bad) {
    byte[] body = concat("{\"jsonrpc\":\"2.0\",\"method\":\"m", bad, "\",\"id\":1}");
    Invalid invalid = Payloads.singleInvalid(JsonRpcCodec.decode(body));
    assertThat(invalid.error().code()).isEqualTo(PARSE);
    assertThat(invalid.error().message()).isEqualTo("Parse error: the body is not valid UTF-8");
  }

  @ParameterizedTest(name = "{0} after the value")
  @MethodSource("invalidUtf8")
  void rejectsInvalidUtf8AfterValue(String name, byte[] bad) {
    byte[] body = concat("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1} ", bad, "");
    assertThat(Payloads.singleInvalid(JsonRpcCodec.decode(body)).error().code()).isEqualTo(PARSE);
  }

  @Test
  void ignoresLeadingByteOrderMark() {
    byte[] body = concat("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}");
    assertThat(Payloads.describe(JsonRpcCodec.decode(body))).isEqualTo("notification m");
  }

  @Test
  void acceptsHugeStringId() {
    String id = "i".repeat(2_000_000);
    JsonRpcMessage message =
        Payloads.singleMessage(JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":\"" + id + "\"}"));
    assertThat(((JsonRpcRequest) message).id()).isEqualTo(JsonRpcId.of(id));
  }

  @Test
  void refusesNumbersLongerThanTheReaderLimit() {
    // RFC 8259, section 9: "An implementation may set limits on the range and precision of numbers."
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[" + "1".repeat(2000) + "]}";
    assertThat(Payloads.singleInvalid(JsonRpcCodec.decode(body)).error().code()).isEqualTo(PARSE);
  }

  @Test
  void keepsLiberalChoices() {
    // error.code written as 1.0 or 1e2 is an integer; extra members are ignored; a request may carry
    // a stray 'result'; error.data may be any JSON value, null included.
    assertThat(Payloads.describe(JsonRpcCodec.decode(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1e2,\"message\":\"x\",\"data\":null,\"extra\":1},\"id\":1,\"x\":[]}")))
        .isEqualTo("error 100 1");
    assertThat(Payloads.describe(JsonRpcCodec.decode(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-1.0,\"message\":\"x\"},\"id\":1}")))
        .isEqualTo("error -1 1");
    assertThat(Payloads.describe(JsonRpcCodec.decode(
            "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"result\":1,\"id\":1}")))
        .isEqualTo("request 1 m");
  }

  @Test
  @Tag("slow") // thousands of inputs: left out of the mutation run
  void neverThrowsOnMutatedInput() {
    List<String> seeds =
        List.of(
            "{\"jsonrpc\":\"2.0\",\"method\":\"VM.create\",\"params\":{\"vmId\":\"a\",\"n\":[1,2.5e3,true,null]},\"id\":\"x\"}",
            "[{\"jsonrpc\":\"2.0\",\"result\":{\"a\":[]},\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"|virt|VM_status|x\"}]",
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"\\u00e9\\n\",\"data\":{}},\"id\":null}");
    byte[] alphabet = "{}[]\",:\\ 0123456789.eE+-truefalsnul\u00ff\u0080\u0000\n".getBytes(UTF_8);
    Random random = new Random(20240601);
    for (int i = 0; i < 20_000; i++) {
      byte[] body = seeds.get(random.nextInt(seeds.size())).getBytes(UTF_8);
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        body = mutate(body, random, alphabet);
      }
      JsonRpcPayload payload = JsonRpcCodec.decode(body);
      assertThat(payload.items()).isNotEmpty();
      for (Item item : payload.items()) {
        if (item instanceof Invalid invalid) {
          assertThat(invalid.error().code()).isIn(PARSE, INVALID);
          if (invalid.error().code() == PARSE) {
            assertThat(payload.batch()).isFalse();
            assertThat(invalid.id()).isEqualTo(JsonRpcId.NULL);
          }
          assertCleanMessage(invalid.error());
        }
      }
    }
  }

  private static byte[] mutate(byte[] body, Random random, byte[] alphabet) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = body.length == 0 ? 0 : random.nextInt(body.length);
    switch (random.nextInt(4)) {
      case 0 -> { // delete
        out.write(body, 0, at);
        if (at < body.length) {
          out.write(body, at + 1, body.length - at - 1);
        }
      }
      case 1 -> { // insert
        out.write(body, 0, at);
        out.write(alphabet[random.nextInt(alphabet.length)]);
        out.write(body, at, body.length - at);
      }
      case 2 -> { // replace
        out.write(body, 0, body.length);
        byte[] b = out.toByteArray();
        if (b.length > 0) {
          b[at] = alphabet[random.nextInt(alphabet.length)];
        }
        return b;
      }
      default -> out.write(body, 0, at); // truncate
    }
    return out.toByteArray();
  }

  private static void assertCleanMessage(JsonRpcError error) {
    assertThat(error.message())
        .doesNotContain("Exception", "com.google", "gson", "Gson", "JsonReader", "Strictness", "http", "\n", "$$");
    assertThat(error.data()).isNull();
  }

  private static byte[] concat(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(UTF_8));
    out.writeBytes(middle);
    out.writeBytes(after.getBytes(UTF_8));
    return out.toByteArray();
  }
}

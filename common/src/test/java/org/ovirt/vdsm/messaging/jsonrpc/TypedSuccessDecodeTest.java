package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A plain single answer is read straight into the type its call wants, whatever the member order;
 * anything else is left to the general decoder (empty), never guessed.
 */
class TypedSuccessDecodeTest {
  record Count(int n, List<String> names) {}

  private static final JsonRpcId ID = new JsonRpcId.StringId("call-1");
  private static final Function<JsonRpcId, Type> ONLY_CALL_1 = id -> id.equals(ID) ? Count.class : null;

  private static Object typed(String body) {
    return JsonRpcCodec.decodeTypedSuccess(body.getBytes(UTF_8), ONLY_CALL_1, JsonRpcLimits.DEFAULTS)
        .map(t -> List.of(t.id(), t.result() == null ? "null" : t.result())).orElse(null);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7,\"names\":[\"a\"]},\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"call-1\",\"result\":{\"n\":7,\"names\":[\"a\"]}}",
      "{\"id\":\"call-1\",\"result\":{\"n\":7,\"names\":[\"a\"]},\"jsonrpc\":\"2.0\"}",
      "{\"result\":{\"names\":[\"a\"],\"n\":7},\"jsonrpc\":\"2.0\",\"id\":\"call-1\"}",
      " {\n \"jsonrpc\" : \"2.0\" , \"result\" : {\"n\":7,\"names\":[\"a\"]} , \"id\" : \"call-1\" \n} \n",
      "\t\r\n {\"jsonrpc\":\"2.0\",\"result\":{\"n\":7,\"names\":[\"a\"]},\"id\":\"call-1\"}"})
  void readsThePlainAnswerInAnyMemberOrder(String body) {
    assertThat(typed(body)).isEqualTo(List.of(ID, new Count(7, List.of("a"))));
  }

  @Test
  void aNullResultIsNull() {
    assertThat(typed("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":\"call-1\"}")).isEqualTo(List.of(ID, "null"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "[{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-1\"}]",
      "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"x\"},\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-2\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":null}",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":1}",
      "{\"jsonrpc\":\"1.0\",\"result\":{\"n\":7},\"id\":\"call-1\"}",
      "{\"result\":{\"n\":7},\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-1\",\"extra\":1}",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"result\":{\"n\":8},\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"call-1\",\"id\":\"call-1\",\"result\":{\"n\":7}}",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-1\"} x",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-1\"",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":\"seven\"},\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":[7],\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call\\u002d1\"}",
      "\"just a string\"",
      // the version as a number reads as the text "2.0" with nextString: the kind is checked first
      "{\"jsonrpc\":2.0,\"result\":{\"n\":7},\"id\":\"call-1\"}",
      "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-1\"}",
      "",
      " \t\r\n",
      "x{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-1\"}",
      "\t[{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7},\"id\":\"call-1\"}]"})
  void leavesEverythingElseToTheGeneralDecoder(String body) {
    assertThat(typed(body)).isNull();
  }

  @Test
  void aNumberIdIsNeverTakenForTheStringOfItsDigits() {
    // nextString would read 1 as "1": the kind of the id is checked first, whatever the caller wants
    Function<JsonRpcId, Type> anyId = id -> Count.class;
    assertThat(JsonRpcCodec.decodeTypedSuccess(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"n\":7}}".getBytes(UTF_8), anyId, JsonRpcLimits.DEFAULTS))
        .isEmpty();
    assertThat(JsonRpcCodec.decodeTypedSuccess(
        "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{\"n\":7}}".getBytes(UTF_8), anyId, JsonRpcLimits.DEFAULTS))
        .hasValue(new TypedSuccess(new JsonRpcId.StringId("1"), new Count(7, null)));
  }

  @Test
  void anEscapedIdWrittenFirstIsRead() {
    JsonRpcId escaped = new JsonRpcId.StringId("a\"b");
    Object read = JsonRpcCodec.decodeTypedSuccess(
            "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"result\":{\"n\":1}}".getBytes(UTF_8),
            id -> id.equals(escaped) ? Count.class : null, JsonRpcLimits.DEFAULTS)
        .map(TypedSuccess::result).orElse(null);
    assertThat(read).isEqualTo(new Count(1, null));
  }

  @Test
  void malformedUtf8IsLeftToTheGeneralDecoder() {
    byte[] body = "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7,\"names\":[\"?\"]},\"id\":\"call-1\"}".getBytes(UTF_8);
    body[body.length - 22] = (byte) 0xC3;
    assertThat(JsonRpcCodec.decodeTypedSuccess(body, ONLY_CALL_1, JsonRpcLimits.DEFAULTS)).isEmpty();
  }

  @Test
  void nestingDeeperThanTheLimitIsLeftToTheGeneralDecoder() {
    String deep = "[".repeat(70) + "]".repeat(70);
    Function<JsonRpcId, Type> anything = id -> Object.class;
    assertThat(JsonRpcCodec.decodeTypedSuccess(
        ("{\"jsonrpc\":\"2.0\",\"result\":" + deep + ",\"id\":\"call-1\"}").getBytes(UTF_8), anything, JsonRpcLimits.DEFAULTS))
        .isEmpty();
    assertThat(JsonRpcCodec.decodeTypedSuccess(
        "{\"jsonrpc\":\"2.0\",\"result\":{\"a\":[1]},\"id\":\"call-1\"}".getBytes(UTF_8), anything, JsonRpcLimits.DEFAULTS))
        .hasValueSatisfying(t -> assertThat(t.result()).isEqualTo(Map.of("a", List.of(1L))));
  }

  @Test
  void aBodyTheStrictReaderRefusesIsLeftToTheGeneralDecoder() {
    // A raw TAB inside a string and the escape \' are JSON errors (RFC 8259, section 7); Gson's
    // lenient legacy mode would take them, the typed path must not.
    assertThat(typed("{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7,\"names\":[\"a\tb\"]},\"id\":\"call-1\"}")).isNull();
    assertThat(typed("{\"jsonrpc\":\"2.0\",\"result\":{\"n\":7,\"names\":[\"a\\'b\"]},\"id\":\"call-1\"}")).isNull();
    assertThat(JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"result\":[\"a\tb\"],\"id\":\"call-1\"}").items().get(0))
        .isInstanceOfSatisfying(JsonRpcPayload.Invalid.class,
            invalid -> assertThat(invalid.error().code()).isEqualTo(JsonRpcError.PARSE_ERROR));
  }
}

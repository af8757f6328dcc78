package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Valid;

/** Byte-exact encoding of every message kind, and decode(encode(m)) round trips. */
class JsonRpcEncodingTest {

  static Stream<Arguments> vectors() {
    return Stream.of(
        Arguments.of("request, string id, object params",
            new JsonRpcRequest(JsonRpcId.of("a1"), "Host.getCapabilities", new JsonObject()),
            "{\"jsonrpc\":\"2.0\",\"method\":\"Host.getCapabilities\",\"params\":{},\"id\":\"a1\"}"),
        Arguments.of("request, number id 1, array params",
            new JsonRpcRequest(JsonRpcId.of(1), "subtract", JsonParser.parseString("[42,23]")),
            "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":[42,23],\"id\":1}"),
        Arguments.of("request, no params",
            new JsonRpcRequest(JsonRpcId.of(2), "Host.ping", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping\",\"id\":2}"),
        Arguments.of("request, null id",
            new JsonRpcRequest(JsonRpcId.NULL, "Host.ping", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping\",\"id\":null}"),
        Arguments.of("request, number id keeps its text",
            new JsonRpcRequest(new JsonRpcId.NumberId(new BigDecimal("1.50")), "m", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1.50}"),
        Arguments.of("request, big number id",
            new JsonRpcRequest(new JsonRpcId.NumberId(new BigDecimal("123456789012345678901234567890")), "m", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":123456789012345678901234567890}"),
        Arguments.of("request, null inside params is kept",
            new JsonRpcRequest(JsonRpcId.of("n"), "VM.create", JsonParser.parseString("{\"a\":null,\"b\":[null]}")),
            "{\"jsonrpc\":\"2.0\",\"method\":\"VM.create\",\"params\":{\"a\":null,\"b\":[null]},\"id\":\"n\"}"),
        Arguments.of("request, HTML characters not escaped",
            new JsonRpcRequest(JsonRpcId.of("<id>"), "a<b>&c='d'", JsonParser.parseString("[\"x=1&y<2\"]")),
            "{\"jsonrpc\":\"2.0\",\"method\":\"a<b>&c='d'\",\"params\":[\"x=1&y<2\"],\"id\":\"<id>\"}"),
        Arguments.of("request, escapes quotes, backslashes and control characters",
            new JsonRpcRequest(JsonRpcId.of("q\"\\"), "m", JsonParser.parseString("[\"a\\nb\\u0001\"]")),
            "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[\"a\\nb\\u0001\"],\"id\":\"q\\\"\\\\\"}"),
        Arguments.of("notification with params",
            new JsonRpcNotification("|virt|VM_status|5e1b",
                JsonParser.parseString("{\"5e1b\":{\"status\":\"Up\"},\"notify_time\":4295495450}")),
            "{\"jsonrpc\":\"2.0\",\"method\":\"|virt|VM_status|5e1b\","
                + "\"params\":{\"5e1b\":{\"status\":\"Up\"},\"notify_time\":4295495450}}"),
        Arguments.of("notification without params",
            new JsonRpcNotification("foobar", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"foobar\"}"),
        Arguments.of("success, null result",
            JsonRpcResponse.success(JsonRpcId.of("a"), null),
            "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":\"a\"}"),
        Arguments.of("success, true result, number id",
            JsonRpcResponse.success(JsonRpcId.of(1), new JsonPrimitive(true)),
            "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}"),
        Arguments.of("success, null id",
            JsonRpcResponse.success(JsonRpcId.NULL, new JsonArray()),
            "{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":null}"),
        Arguments.of("error without data",
            JsonRpcResponse.failure(JsonRpcId.of("7"), JsonRpcError.methodNotFound("VM.foo")),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found: VM.foo\"},\"id\":\"7\"}"),
        Arguments.of("error with data, null id",
            JsonRpcResponse.failure(JsonRpcId.NULL,
                new JsonRpcError(-32700, "Parse error", JsonParser.parseString("{\"at\":\"line 1\"}"))),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\",\"data\":{\"at\":\"line 1\"}},\"id\":null}"),
        Arguments.of("error with explicit null data",
            JsonRpcResponse.failure(JsonRpcId.of(3), new JsonRpcError(100, "General Exception", com.google.gson.JsonNull.INSTANCE)),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":100,\"message\":\"General Exception\",\"data\":null},\"id\":3}"),
        Arguments.of("non-ASCII text is UTF-8, not escaped",
            new JsonRpcNotification("é€😀", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"é€😀\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void encodesByteExact(String name, JsonRpcMessage message, String expected) {
    assertThat(JsonRpcCodec.encode(message)).isEqualTo(expected.getBytes(UTF_8));
    assertThat(JsonRpcCodec.encodeToString(message)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void roundTripsThroughDecode(String name, JsonRpcMessage message, String expected) {
    assertThat(Payloads.singleMessage(JsonRpcCodec.decode(JsonRpcCodec.encode(message)))).isEqualTo(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void reencodesDecodedVectorIdentically(String name, JsonRpcMessage message, String expected) {
    assertThat(JsonRpcCodec.encodeToString(Payloads.singleMessage(JsonRpcCodec.decode(expected))))
        .isEqualTo(expected);
  }

  @Test
  void encodesBatchAsArrayInOrder() {
    List<JsonRpcMessage> batch =
        List.of(
            JsonRpcResponse.success(JsonRpcId.of("1"), new JsonPrimitive(7)),
            JsonRpcResponse.failure(JsonRpcId.NULL, JsonRpcError.invalidRequest("'method' must be a string")),
            new JsonRpcRequest(JsonRpcId.of(5), "foo.get", null));
    String expected =
        "[{\"jsonrpc\":\"2.0\",\"result\":7,\"id\":\"1\"},"
            + "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid request: 'method' must be a string\"},\"id\":null},"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"foo.get\",\"id\":5}]";
    assertThat(JsonRpcCodec.encodeBatch(batch)).isEqualTo(expected.getBytes(UTF_8));
    assertThat(JsonRpcCodec.encodeBatchToString(batch)).isEqualTo(expected);

    JsonRpcPayload decoded = JsonRpcCodec.decode(JsonRpcCodec.encodeBatch(batch));
    assertThat(decoded.batch()).isTrue();
    assertThat(decoded.items()).containsExactly(new Valid(batch.get(0)), new Valid(batch.get(1)), new Valid(batch.get(2)));
  }

  @Test
  void oneMessageBatchStaysABatch() {
    // Real VDSM clients send a single request as a one-element batch.
    JsonRpcRequest request = new JsonRpcRequest(JsonRpcId.of("u"), "Host.ping", null);
    JsonRpcPayload decoded = JsonRpcCodec.decode(JsonRpcCodec.encodeBatch(List.of(request)));
    assertThat(decoded.batch()).isTrue();
    assertThat(decoded.items()).containsExactly(new Valid(request));
  }

  @Test
  void refusesEmptyBatch() {
    assertThatThrownBy(() -> JsonRpcCodec.encodeBatch(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesNonFiniteNumbers() {
    JsonRpcResponse response = JsonRpcResponse.success(JsonRpcId.of(1), new JsonPrimitive(Double.NaN));
    assertThatThrownBy(() -> JsonRpcCodec.encode(response)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void roundTripsMultiMegabyteBody() {
    JsonArray devices = new JsonArray();
    for (int i = 0; i < 20_000; i++) {
      JsonObject device = new JsonObject();
      device.addProperty("type", "disk");
      device.addProperty("index", i);
      device.addProperty("path", "/rhev/data-center/mnt/blockSD/" + i + "/images/" + "x".repeat(100));
      devices.add(device);
    }
    JsonObject params = new JsonObject();
    params.add("devices", devices);
    params.addProperty("blob", "é".repeat(1_000_000));
    JsonRpcRequest request = new JsonRpcRequest(JsonRpcId.random(), "VM.create", params);

    byte[] body = JsonRpcCodec.encode(request);
    assertThat(body.length).isGreaterThan(4_000_000);
    assertThat(Payloads.singleMessage(JsonRpcCodec.decode(body))).isEqualTo(request);
  }

  @Test
  void sharedGsonDoesNotEscapeHtmlAndKeepsNulls() {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put("a", "<x>='y'&");
    map.put("b", null);
    assertThat(JsonRpcCodec.gson().toJson(map)).isEqualTo("{\"a\":\"<x>='y'&\",\"b\":null}");
  }

  @Test
  void sharedGsonReadsIntegralNumbersAsLong() {
    Map<?, ?> value = JsonRpcCodec.gson().fromJson(JsonParser.parseString("{\"memSize\":1024,\"load\":0.5}"), Map.class);
    assertThat(value.get("memSize")).isEqualTo(1024L);
    assertThat(value.get("load")).isEqualTo(0.5);
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example of section 7 of the JSON-RPC 2.0 specification, both directions. */
class JsonRpcSpecExamplesTest {

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of("positional params, call 1",
            "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}",
            "request 1 subtract"),
        Arguments.of("positional params, answer 1",
            "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 1}",
            "result 1"),
        Arguments.of("positional params, call 2",
            "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [23, 42], \"id\": 2}",
            "request 2 subtract"),
        Arguments.of("positional params, answer 2",
            "{\"jsonrpc\": \"2.0\", \"result\": -19, \"id\": 2}",
            "result 2"),
        Arguments.of("named params, call 3",
            "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}",
            "request 3 subtract"),
        Arguments.of("named params, answer 3",
            "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 3}",
            "result 3"),
        Arguments.of("named params, call 4",
            "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"minuend\": 42, \"subtrahend\": 23}, \"id\": 4}",
            "request 4 subtract"),
        Arguments.of("named params, answer 4",
            "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 4}",
            "result 4"),
        Arguments.of("notification with params",
            "{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}",
            "notification update"),
        Arguments.of("notification without params",
            "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}",
            "notification foobar"),
        Arguments.of("non-existent method, call",
            "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}",
            "request \"1\" foobar"),
        Arguments.of("non-existent method, answer",
            "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"1\"}",
            "error -32601 \"1\""),
        Arguments.of("invalid JSON, call",
            "{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]",
            "invalid -32700 null"),
        Arguments.of("invalid JSON, answer",
            "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}",
            "error -32700 null"),
        Arguments.of("invalid Request object, call",
            "{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}",
            "invalid -32600 null"),
        Arguments.of("invalid Request object, answer",
            "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}",
            "error -32600 null"),
        Arguments.of("batch, invalid JSON",
            "[\n  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\"\n]",
            "invalid -32700 null"),
        Arguments.of("empty array", "[]", "invalid -32600 null"),
        Arguments.of("invalid batch, not empty", "[1]", "batch: invalid -32600 null"),
        Arguments.of("invalid batch", "[1,2,3]",
            "batch: invalid -32600 null, invalid -32600 null, invalid -32600 null"),
        Arguments.of("invalid batch, answer",
            "[\n  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},\n"
                + "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},\n"
                + "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}\n]",
            "batch: error -32600 null, error -32600 null, error -32600 null"),
        Arguments.of("mixed batch",
            "[\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]},\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42,23], \"id\": \"2\"},\n"
                + "  {\"foo\": \"boo\"},\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\": \"foo.get\", \"params\": {\"name\": \"myself\"}, \"id\": \"5\"},\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\": \"get_data\", \"id\": \"9\"}\n"
                + "]",
            "batch: request \"1\" sum, notification notify_hello, request \"2\" subtract,"
                + " invalid -32600 null, request \"5\" foo.get, request \"9\" get_data"),
        Arguments.of("mixed batch, answer",
            "[\n"
                + "  {\"jsonrpc\": \"2.0\", \"result\": 7, \"id\": \"1\"},\n"
                + "  {\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": \"2\"},\n"
                + "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},\n"
                + "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"5\"},\n"
                + "  {\"jsonrpc\": \"2.0\", \"result\": [\"hello\", 5], \"id\": \"9\"}\n"
                + "]",
            "batch: result \"1\", result \"2\", error -32600 null, error -32601 \"5\", result \"9\""),
        Arguments.of("batch of notifications only",
            "[\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\": \"notify_sum\", \"params\": [1,2,4]},\n"
                + "  {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]}\n"
                + "]",
            "batch: notification notify_sum, notification notify_hello"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void classifiesSpecificationExample(String name, String body, String expected) {
    assertThat(Payloads.describe(JsonRpcCodec.decode(body))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void classifiesSpecificationExampleFromUtf8Bytes(String name, String body, String expected) {
    assertThat(Payloads.describe(JsonRpcCodec.decode(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
        .isEqualTo(expected);
  }

  @Test
  void keepsPositionalParamsAsAnArray() {
    JsonRpcMessage message =
        Payloads.singleMessage(JsonRpcCodec.decode(
            "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}"));
    assertThat(message)
        .isEqualTo(new JsonRpcRequest(JsonRpcId.of(1), "subtract", JsonParser.parseString("[42,23]")));
  }

  @Test
  void keepsNamedParamsAsAnObject() {
    JsonRpcMessage message =
        Payloads.singleMessage(JsonRpcCodec.decode(
            "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}"));
    assertThat(message)
        .isEqualTo(new JsonRpcRequest(
            JsonRpcId.of(3), "subtract", JsonParser.parseString("{\"minuend\":42,\"subtrahend\":23}")));
  }

  @Test
  void keepsErrorCodeAndMessageOfAnErrorResponse() {
    JsonRpcMessage message =
        Payloads.singleMessage(JsonRpcCodec.decode(
            "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"1\"}"));
    assertThat(message)
        .isEqualTo(JsonRpcResponse.failure(
            JsonRpcId.of("1"), new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND, "Method not found")));
  }

  @Test
  void answersAnInvalidRequestObjectWithItsCause() {
    JsonRpcPayload.Invalid invalid =
        Payloads.singleInvalid(JsonRpcCodec.decode("{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}"));
    assertThat(invalid.error().message()).isEqualTo("Invalid request: 'method' must be a string");
    assertThat(invalid.toResponse()).isEqualTo(JsonRpcResponse.failure(JsonRpcId.NULL, invalid.error()));
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * The message model's own rules: number ids equal by value only, the error factories' exact codes
 * and texts (JSON-RPC 2.0, section 5.1), params that are a structured value or absent, and a
 * pre-encoded result that is exactly its bytes.
 */
class JsonRpcModelTest {

  @Test
  void numberIdsAreEqualExactlyWhenTheirValuesAre() {
    assertThat(new JsonRpcId.NumberId(new BigDecimal("1"))).isEqualTo(new JsonRpcId.NumberId(new BigDecimal("1.00")));
    assertThat(new JsonRpcId.NumberId(BigDecimal.ONE)).isNotEqualTo(new JsonRpcId.NumberId(BigDecimal.TEN));
    assertThat(new JsonRpcId.NumberId(BigDecimal.ONE)).isNotEqualTo(JsonRpcId.of("1"));
  }

  @Test
  void errorFactoriesGiveTheSpecCodesAndNameWhatWentWrong() {
    assertThat(JsonRpcError.parseError("x")).isEqualTo(new JsonRpcError(-32700, "Parse error: x"));
    assertThat(JsonRpcError.invalidRequest("x")).isEqualTo(new JsonRpcError(-32600, "Invalid request: x"));
    assertThat(JsonRpcError.methodNotFound("Host.nope")).isEqualTo(new JsonRpcError(-32601, "Method not found: Host.nope"));
    assertThat(JsonRpcError.invalidParams("x")).isEqualTo(new JsonRpcError(-32602, "Invalid params: x"));
    assertThat(JsonRpcError.internalError("x")).isEqualTo(new JsonRpcError(-32603, "Internal error: x"));
    assertThat(new JsonRpcError(1, "m").data()).isNull();
  }

  @Test
  void paramsAreAnObjectAnArrayOrAbsent() {
    JsonElement scalar = new JsonPrimitive(1);
    assertThatThrownBy(() -> new JsonRpcRequest(JsonRpcId.of(1), "m", scalar))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("params must be an object or an array: 1");
    assertThatThrownBy(() -> new JsonRpcNotification("m", scalar))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("params must be an object or an array: 1");
    assertThat(new JsonRpcRequest(JsonRpcId.NULL, "m", new JsonArray()).params()).isEqualTo(new JsonArray());
    assertThat(new JsonRpcNotification("m", new JsonObject()).params()).isEqualTo(new JsonObject());
    assertThat(new JsonRpcNotification("m", null).params()).isNull();
  }

  @Test
  void aPreEncodedResultIsItsCompactBytesAndKnowsTheirLength() {
    JsonElement tree = JsonParser.parseString("{ \"a\" : [1, \"é\", null] }");
    ResultValue fromTree = ResultValue.preEncoded(tree);
    byte[] compact = "{\"a\":[1,\"é\",null]}".getBytes(UTF_8);
    assertThat(((ResultValue.PreEncoded) fromTree).length()).isEqualTo(compact.length);
    assertThat(fromTree.toTree()).isEqualTo(tree);
    assertThat(JsonRpcCodec.encodeSuccessWithin(JsonRpcId.of(1), fromTree, 1024)).hasValueSatisfying(bytes ->
        assertThat(new String(bytes, UTF_8)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"a\":[1,\"é\",null]},\"id\":1}"));
    ResultValue fromBytes = ResultValue.preEncoded(compact);
    assertThat(((ResultValue.PreEncoded) fromBytes).length()).isEqualTo(compact.length);
  }

  @Test
  void preEncodedBytesAreHeldToStrictJson() {
    // A raw TAB inside a string and the escape \' are JSON errors (RFC 8259, section 7).
    assertThatThrownBy(() -> ResultValue.preEncoded("\"a\tb\"".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ResultValue.preEncoded("\"a\\'b\"".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

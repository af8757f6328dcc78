package org.ovirt.vdsm.messaging.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Ids keep their kind: string, number (compared by value) or explicit null; absent is not null. */
class JsonRpcIdKindTest {

  private static JsonRpcId idOf(String idJson) {
    JsonRpcMessage message =
        Payloads.singleMessage(JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":" + idJson + "}"));
    return ((JsonRpcRequest) message).id();
  }

  @Test
  void stringOneAndNumberOneDiffer() {
    assertThat(idOf("\"1\"")).isInstanceOf(JsonRpcId.StringId.class).isEqualTo(JsonRpcId.of("1"));
    assertThat(idOf("1")).isInstanceOf(JsonRpcId.NumberId.class).isEqualTo(JsonRpcId.of(1));
    assertThat(idOf("\"1\"")).isNotEqualTo(idOf("1"));
  }

  @Test
  void oneAndOnePointZeroAreEqual() {
    assertThat(idOf("1.0")).isEqualTo(idOf("1")).hasSameHashCodeAs(idOf("1"));
    assertThat(idOf("1e0")).isEqualTo(idOf("1"));
    assertThat(idOf("-0")).isEqualTo(idOf("0"));
  }

  @Test
  void numberIdIsEchoedAsItWasWritten() {
    JsonRpcId id = idOf("1.50");
    assertThat(JsonRpcCodec.encodeToString(JsonRpcResponse.success(id, null)))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1.50}");
  }

  @Test
  void nullIdIsARequestNotANotification() {
    JsonRpcMessage message =
        Payloads.singleMessage(JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":null}"));
    assertThat(message).isEqualTo(new JsonRpcRequest(JsonRpcId.NULL, "m", null));
  }

  @Test
  void absentIdIsANotification() {
    JsonRpcMessage message = Payloads.singleMessage(JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\"}"));
    assertThat(message).isEqualTo(new JsonRpcNotification("m", null));
  }

  @Test
  void invalidRequestEchoesItsValidId() {
    JsonRpcPayload.Invalid invalid =
        Payloads.singleInvalid(JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":\"abc\"}"));
    assertThat(invalid.id()).isEqualTo(JsonRpcId.of("abc"));
    assertThat(JsonRpcCodec.encodeToString(invalid.toResponse()))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
            + "\"message\":\"Invalid request: 'method' must be a string\"},\"id\":\"abc\"}");
  }

  @Test
  void invalidNotificationIsAnsweredWithNullId() {
    JsonRpcPayload.Invalid invalid =
        Payloads.singleInvalid(JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":1}"));
    assertThat(invalid.id()).isEqualTo(JsonRpcId.NULL);
  }

  @Test
  void stringIdKeepsEscapedAndNonAsciiCharacters() {
    assertThat(idOf("\"\\u00e9\\\"x\\\\ \u20ac\"")).isEqualTo(JsonRpcId.of("é\"x\\ €"));
  }
}

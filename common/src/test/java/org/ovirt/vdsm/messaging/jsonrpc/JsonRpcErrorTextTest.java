package org.ovirt.vdsm.messaging.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Invalid;

/**
 * The exact text of the errors bad bodies are answered with: what the peer wrote is echoed up to 100
 * characters (one more is cut and marked), each kind of batch member is named, and parse errors say
 * what went wrong and where.
 */
class JsonRpcErrorTextTest {

  private static String message(String body) {
    return Payloads.singleInvalid(JsonRpcCodec.decode(body)).error().message();
  }

  @Test
  void echoesADuplicateMemberNameOfExactly100CharactersWholeAndCutsOneMore() {
    String hundred = "n".repeat(100);
    assertThat(message("{\"jsonrpc\":\"2.0\",\"" + hundred + "\":1,\"" + hundred + "\":2,\"method\":\"m\"}"))
        .isEqualTo("Invalid request: duplicate member '" + hundred + "'");
    String hundredOne = hundred + "x";
    assertThat(message("{\"jsonrpc\":\"2.0\",\"" + hundredOne + "\":1,\"" + hundredOne + "\":2,\"method\":\"m\"}"))
        .isEqualTo("Invalid request: duplicate member '" + hundred + "...'");
  }

  @Test
  void echoesADuplicateInsideParamsWithItsPathEachCutAt100Characters() {
    String name = "p".repeat(101);
    // the path is "$.params." followed by the name: 110 characters, cut to its first 100
    String path = ("$.params." + name).substring(0, 100) + "...";
    assertThat(message("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"" + name + "\":1,\"" + name + "\":2},\"id\":1}"))
        .isEqualTo("Invalid request: duplicate member '" + "p".repeat(100) + "...' at " + path);
    assertThat(message("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"a\":{\"b\":1,\"b\":2}},\"id\":1}"))
        .isEqualTo("Invalid request: duplicate member 'b' at $.params.a.b");
  }

  @Test
  void namesEveryKindOfBatchMemberThatIsNotAnObject() {
    JsonRpcPayload payload = JsonRpcCodec.decode("[[1],\"s\",2,true,null,{\"jsonrpc\":\"2.0\",\"method\":\"m\"}]");
    assertThat(payload.batch()).isTrue();
    List<String> messages = payload.items().stream()
        .map(item -> item instanceof Invalid invalid ? invalid.error().message() : "valid")
        .toList();
    assertThat(messages).containsExactly(
        "Invalid request: a batch member must be an object, not an array",
        "Invalid request: a batch member must be an object, not a string",
        "Invalid request: a batch member must be an object, not a number",
        "Invalid request: a batch member must be an object, not a boolean",
        "Invalid request: a batch member must be an object, not null",
        "valid");
  }

  @Test
  void namesWhatTheWholeBodyIsWhenItIsNeitherObjectNorArray() {
    assertThat(message("2")).isEqualTo("Invalid request: the body must be an object or an array, not a number");
    assertThat(message("\"s\"")).isEqualTo("Invalid request: the body must be an object or an array, not a string");
    assertThat(message("false")).isEqualTo("Invalid request: the body must be an object or an array, not a boolean");
    assertThat(message("null")).isEqualTo("Invalid request: the body must be an object or an array, not null");
    assertThat(message("[]")).isEqualTo("Invalid request: an empty array is not a valid batch");
  }

  @Test
  void parseErrorsSayWhatAndWhere() {
    assertThat(message("")).isEqualTo("Parse error: unexpected end of input at line 1 column 1");
    assertThat(message("{\"jsonrpc\":\"2.0\",\n\"method\":")).isEqualTo("Parse error: unexpected end of input at line 2 column 10");
    assertThat(message("{\"jsonrpc\":\"2.0\",\"method\":x}")).isEqualTo("Parse error: malformed JSON at line 1 column 27");
    assertThat(message("{\"jsonrpc\":\"2.0\",\"method\":\"m\"} x"))
        .isEqualTo("Parse error: unexpected data after the JSON value at line 1 column 33");
    assertThat(Payloads.singleInvalid(JsonRpcCodec.decode("[[[1]]]", 2)).error().message())
        .isEqualTo("Parse error: arrays and objects nested deeper than 2 levels at line 1 column 4");
    assertThat(Payloads.singleInvalid(JsonRpcCodec.decode(new byte[] {'"', (byte) 0xFF, '"'})).error().message())
        .isEqualTo("Parse error: the body is not valid UTF-8");
  }

  @Test
  void theErrorOfAnInvalidMemberIsAnsweredWithItsEchoedId() {
    Invalid invalid = Payloads.singleInvalid(JsonRpcCodec.decode("{\"jsonrpc\":\"1.0\",\"method\":\"m\",\"id\":\"a\"}"));
    assertThat(invalid.toResponse()).isEqualTo(JsonRpcResponse.failure(JsonRpcId.of("a"), invalid.error()));
    assertThat(invalid.error().code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
  }
}

package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcLimits;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;

/**
 * The small-answer shortcut gives exactly what the general reader gives for the answers it takes,
 * and takes nothing else.
 */
class SmallAnswerScannerTest {
  private static final String ID = "8a5b1c6e-2f4d-4e1a-9c3b-7d6e5f4a3b2c";

  private static JsonRpcPayload general(String body) {
    return PayloadReader.read(new StringReader(body), JsonRpcLimits.DEFAULTS);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"" + ID + "\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":false,\"id\":\"" + ID + "\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":\"" + ID + "\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":\"\",\"id\":\"x\"}",
      "{\"jsonrpc\":\"2.0\",\"result\":\"done: 3/4 (ok) {x} [y] ~\",\"id\":\"" + ID + "\"}",
  })
  void takesTheScalarAnswersOurHostWritesAndReadsThemAsTheGeneralReaderDoes(String body) {
    JsonRpcPayload fast = SmallAnswerScanner.scan(body.getBytes(UTF_8));
    assertThat(fast).isNotNull().isEqualTo(general(body));
  }

  @Test
  void theCodecWritesWhatItTakes() {
    JsonRpcId id = new JsonRpcId.StringId(ID);
    for (var result : new com.google.gson.JsonElement[] {new JsonPrimitive(true), JsonNull.INSTANCE, new JsonPrimitive("ok")}) {
      byte[] body = JsonRpcCodec.encode(JsonRpcResponse.success(id, result));
      JsonRpcPayload fast = SmallAnswerScanner.scan(body);
      assertThat(fast).isNotNull();
      assertThat(((JsonRpcResponse) ((JsonRpcPayload.Valid) fast.items().get(0)).message()).result()).isEqualTo(result);
      assertThat(JsonRpcCodec.decode(body)).isEqualTo(fast);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "{\"jsonrpc\": \"2.0\", \"result\": true, \"id\": \"a\"}", // white space
      "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":true}", // another order
      "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"a\"}", // a number
      "{\"jsonrpc\":\"2.0\",\"result\":{},\"id\":\"a\"}", // an object
      "{\"jsonrpc\":\"2.0\",\"result\":\"a\\\"b\",\"id\":\"a\"}", // an escape
      "{\"jsonrpc\":\"2.0\",\"result\":\"é\",\"id\":\"a\"}", // not ASCII
      "{\"jsonrpc\":\"2.0\",\"result\":\"a\tb\",\"id\":\"a\"}", // a control character
      "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}", // a number id
      "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":null}", // a null id
      "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"a\"} ", // trailing space
      "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"a\"}}", // trailing garbage
      "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"a\",\"x\":1}", // an extra member
      "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"a\"", // truncated
      "{\"jsonrpc\":\"2.0\",\"result\":truex,\"id\":\"a\"}", // not a literal
      "{\"jsonrpc\":\"2.0\",\"result\":\"unterminated", // truncated string
      "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"m\"},\"id\":\"a\"}", // an error
      "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"id\":\"a\"}", // a request
      "[{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"a\"}]", // a batch
      "",
  })
  void leavesEverythingElseToTheGeneralReader(String body) {
    assertThat(SmallAnswerScanner.scan(body.getBytes(UTF_8))).isNull();
  }

  @Test
  void leavesMalformedUtf8AndLongBodiesToTheGeneralReader() {
    byte[] malformed = ("{\"jsonrpc\":\"2.0\",\"result\":\"x\",\"id\":\"a\"}").getBytes(UTF_8);
    malformed[28] = (byte) 0xC3; // the x becomes a lone lead byte
    assertThat(SmallAnswerScanner.scan(malformed)).isNull();
    String longResult = "r".repeat(SmallAnswerScanner.MAX_BYTES);
    assertThat(SmallAnswerScanner.scan(("{\"jsonrpc\":\"2.0\",\"result\":\"" + longResult + "\",\"id\":\"a\"}").getBytes(UTF_8)))
        .isNull();
  }

  @Test
  void scansABodyOfExactlyMaxBytesAndNotOneByteMore() {
    String empty = "{\"jsonrpc\":\"2.0\",\"result\":\"\",\"id\":\"a\"}";
    String atLimit = empty.replace("\"result\":\"\"",
        "\"result\":\"" + "r".repeat(SmallAnswerScanner.MAX_BYTES - empty.length()) + "\"");
    assertThat(atLimit).hasSize(SmallAnswerScanner.MAX_BYTES);
    assertThat(SmallAnswerScanner.scan(atLimit.getBytes(UTF_8))).isNotNull().isEqualTo(general(atLimit));
    String oneMore = atLimit.replace("\"id\":\"a\"", "\"id\":\"ab\"");
    assertThat(SmallAnswerScanner.scan(oneMore.getBytes(UTF_8))).isNull();
  }

  @Test
  void aBodyThatEndsWhereTheResultShouldStartIsLeftToTheGeneralReader() {
    assertThat(SmallAnswerScanner.scan("{\"jsonrpc\":\"2.0\",\"result\":".getBytes(UTF_8))).isNull();
  }
}

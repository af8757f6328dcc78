package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Invalid;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Item;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Valid;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the JSON-RPC reader ({@link JsonRpcCodec#decode(byte[], JsonRpcLimits)}, which runs {@code
 * gson.PayloadReader}) with arbitrary bodies (Jazzer; seeds and findings in {@code
 * JsonRpcDecodeFuzzTestInputs}). Each body is decoded under the default limits and under small ones
 * and must:
 *
 * <ul>
 *   <li>never throw (the codec's contract: bad input becomes {@code -32700} / {@code -32600} items);
 *   <li>be a {@code -32700} only as the single, non-batch answer of the whole body;
 *   <li>hold no more batch members, values or nesting than the limits allow, and short error texts;
 *   <li>decode the same from bytes and from the same text as a string;
 *   <li>give valid messages that re-encode to a body decoding to the same messages, byte-exact on
 *       the second encoding.
 * </ul>
 */
@Tag("fuzz")
class JsonRpcDecodeFuzzTest {

  /** Small enough that fuzzed bodies reach every bound. */
  private static final JsonRpcLimits SMALL = new JsonRpcLimits(5, 3, 40);

  /** Error texts quote at most 100 characters of input per quote, and a line and column. */
  private static final int MAX_ERROR_MESSAGE = 400;

  @FuzzTest(maxDuration = "10m")
  void decodesArbitraryBody(byte[] body) {
    for (JsonRpcLimits limits : List.of(JsonRpcLimits.DEFAULTS, SMALL)) {
      JsonRpcPayload payload = JsonRpcCodec.decode(body, limits);
      assertWellFormed(payload, limits);
      String text = strictUtf8(body);
      if (text != null) {
        assertThat(JsonRpcCodec.decode(text, limits)).as("bytes and string agree").isEqualTo(payload);
      }
      assertReencodes(payload);
    }
  }

  private static void assertWellFormed(JsonRpcPayload payload, JsonRpcLimits limits) {
    List<Item> items = payload.items();
    if (payload.batch()) {
      assertThat(items).hasSizeLessThanOrEqualTo(limits.maxBatchMembers());
    }
    int values = 0;
    for (Item item : items) {
      if (item instanceof Invalid invalid) {
        int code = invalid.error().code();
        assertThat(code).isIn(JsonRpcError.PARSE_ERROR, JsonRpcError.INVALID_REQUEST);
        if (code == JsonRpcError.PARSE_ERROR) {
          assertThat(payload.batch()).as("a parse error answers the whole body").isFalse();
          assertThat(invalid.id()).isEqualTo(JsonRpcId.NULL);
        }
        assertThat(invalid.error().message()).hasSizeLessThanOrEqualTo(MAX_ERROR_MESSAGE);
        assertThat(invalid.error().data()).isNull();
      } else {
        for (JsonElement tree : trees(((Valid) item).message())) {
          assertThat(depth(tree)).as("nesting").isLessThan(limits.nestingLimit());
          values += count(tree);
        }
      }
    }
    assertThat(values).as("values kept").isLessThanOrEqualTo(limits.maxValues());
  }

  /** The JSON values a message keeps: params, result, error data. */
  private static List<JsonElement> trees(JsonRpcMessage message) {
    List<JsonElement> trees = new ArrayList<>();
    if (message instanceof JsonRpcRequest r && r.params() != null) {
      trees.add(r.params());
    } else if (message instanceof JsonRpcNotification n && n.params() != null) {
      trees.add(n.params());
    } else if (message instanceof JsonRpcResponse r) {
      if (r.isSuccess()) {
        trees.add(r.result());
      } else if (r.error().data() != null) {
        trees.add(r.error().data());
      }
    }
    return trees;
  }

  private static int depth(JsonElement e) {
    int deepest = 0;
    if (e.isJsonArray()) {
      for (JsonElement child : e.getAsJsonArray()) {
        deepest = Math.max(deepest, depth(child));
      }
      return deepest + 1;
    }
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> child : e.getAsJsonObject().entrySet()) {
        deepest = Math.max(deepest, depth(child.getValue()));
      }
      return deepest + 1;
    }
    return 0;
  }

  private static int count(JsonElement e) {
    int n = 1;
    if (e.isJsonArray()) {
      for (JsonElement child : e.getAsJsonArray()) {
        n += count(child);
      }
    } else if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> child : e.getAsJsonObject().entrySet()) {
        n += count(child.getValue());
      }
    }
    return n;
  }

  /** Valid messages, encoded alone or as the batch they came in, decode to themselves. */
  private static void assertReencodes(JsonRpcPayload payload) {
    List<JsonRpcMessage> valid = new ArrayList<>();
    for (Item item : payload.items()) {
      if (item instanceof Valid v) {
        valid.add(v.message());
        byte[] once = JsonRpcCodec.encode(v.message());
        JsonRpcPayload back = JsonRpcCodec.decode(once);
        assertThat(back).as("re-decoded %s", new String(once, UTF_8)).isEqualTo(new JsonRpcPayload(false, List.of(v)));
        assertThat(JsonRpcCodec.encode(((Valid) back.items().get(0)).message())).isEqualTo(once);
      }
    }
    if (payload.batch() && valid.size() == payload.items().size()) {
      byte[] batch = JsonRpcCodec.encodeBatch(valid);
      assertThat(JsonRpcCodec.decode(batch)).isEqualTo(payload);
    }
  }

  private static String strictUtf8(byte[] body) {
    try {
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Invalid;
import org.ovirt.vdsm.messaging.jsonrpc.gson.PayloadReader;

/**
 * The bounds of {@link JsonRpcLimits} on what one body may build: batch members and values are
 * refused with one -32600 naming the bound, found while reading, before the rest of the body is even
 * looked at; answers are encoded within a byte bound or not at all.
 */
class JsonRpcLimitsTest {

  private static String batchOf(String member, int count) {
    StringBuilder b = new StringBuilder(count * (member.length() + 1) + 2).append('[');
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",").append(member);
    }
    return b.append(']').toString();
  }

  private static Invalid onlyInvalid(JsonRpcPayload payload) {
    assertThat(payload.batch()).isFalse();
    assertThat(payload.items()).hasSize(1);
    return (Invalid) payload.items().get(0);
  }

  @Test
  void batchOfTwoHundredThousandNonObjectsIsOneErrorNamingTheBound() {
    JsonRpcPayload payload = JsonRpcCodec.decode(batchOf("1", 200_000).getBytes(UTF_8));
    Invalid only = onlyInvalid(payload);
    assertThat(only.id()).isEqualTo(JsonRpcId.NULL);
    assertThat(only.error().code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
    assertThat(only.error().message()).isEqualTo("Invalid request: a batch may have at most 4096 members");
  }

  @Test
  void batchAtTheBoundIsAnsweredMemberByMember() {
    JsonRpcLimits limits = JsonRpcLimits.DEFAULTS.withMaxBatchMembers(3);
    JsonRpcPayload payload = JsonRpcCodec.decode(batchOf("1", 3), limits);
    assertThat(payload.batch()).isTrue();
    assertThat(payload.items()).hasSize(3).allMatch(i -> i instanceof Invalid);
    assertThat(onlyInvalid(JsonRpcCodec.decode(batchOf("1", 4), limits)).error().message())
        .isEqualTo("Invalid request: a batch may have at most 3 members");
  }

  @Test
  void refusalStopsReadingAtTheBound() {
    // Two million members: the reader must stop near member 4096, not read (and build) the rest.
    String body = batchOf("1", 2_000_000);
    CountingReader counted = new CountingReader(new StringReader(body));
    JsonRpcPayload payload = PayloadReader.read(counted, JsonRpcLimits.DEFAULTS);
    assertThat(onlyInvalid(payload).error().code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
    assertThat(counted.chars).isLessThan(4096 * 2 + 64 * 1024).isLessThan(body.length() / 100);
  }

  @Test
  void valuesAreCountedAtEveryDepthAcrossTheBody() {
    JsonRpcLimits limits = JsonRpcLimits.DEFAULTS.withMaxValues(11);
    // The object, "2.0", "m", the params array, the inner array, 5 numbers and the id: 11 values.
    String within = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[1,2,3,[4,5]],\"id\":1}";
    assertThat(JsonRpcCodec.decode(within, limits).items().get(0)).isInstanceOf(JsonRpcPayload.Valid.class);
    String over = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[1,2,3,[4,5,6]],\"id\":1}";
    Invalid refused = onlyInvalid(JsonRpcCodec.decode(over, limits));
    assertThat(refused.error().message()).isEqualTo("Invalid request: a body may hold at most 11 JSON values");
  }

  @Test
  void unknownMembersCountToo() {
    JsonRpcLimits limits = JsonRpcLimits.DEFAULTS.withMaxValues(5);
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"junk\":[1,2,3,4,5,6],\"id\":1}";
    assertThat(onlyInvalid(JsonRpcCodec.decode(body, limits)).error().code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
  }

  @Test
  void defaultBoundOnValuesRefusesAMillionNumbers() {
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":" + batchOf("0", 1_000_000) + ",\"id\":7}";
    assertThat(onlyInvalid(JsonRpcCodec.decode(body.getBytes(UTF_8))).error().message())
        .isEqualTo("Invalid request: a body may hold at most 500000 JSON values");
  }

  @Test
  void limitsBelowOneAreRefused() {
    assertThatThrownBy(() -> new JsonRpcLimits(64, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JsonRpcLimits(64, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JsonRpcLimits(0, 10, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void boundsOfOneAreTheSmallestAccepted() {
    JsonRpcLimits ones = new JsonRpcLimits(1, 1, 1);
    assertThat(ones.nestingLimit()).isEqualTo(1);
    assertThat(ones.maxBatchMembers()).isEqualTo(1);
    assertThat(ones.maxValues()).isEqualTo(1);
    assertThatThrownBy(() -> new JsonRpcLimits(1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JSON-RPC limits must be >= 1: nesting 1, batch 1, values 0");
  }

  @Test
  void aSmallAnswerOverTheBoundOnValuesIsRefusedToo() {
    // Four values: the object, "2.0", true and the id. The small-answer shortcut must not skip the bound.
    byte[] answer = "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"a\"}".getBytes(UTF_8);
    assertThat(JsonRpcCodec.decode(answer, JsonRpcLimits.DEFAULTS.withMaxValues(4)).items().get(0))
        .isInstanceOf(JsonRpcPayload.Valid.class);
    assertThat(onlyInvalid(JsonRpcCodec.decode(answer, JsonRpcLimits.DEFAULTS.withMaxValues(3))).error().message())
        .isEqualTo("Invalid request: a body may hold at most 3 JSON values");
  }

  @Test
  void encodeWithinGivesTheExactEncodingUpToTheBound() {
    JsonRpcResponse r = JsonRpcResponse.success(new JsonRpcId.NumberId(java.math.BigDecimal.ONE), new JsonPrimitive("é"));
    byte[] exact = JsonRpcCodec.encode(r); // {"jsonrpc":"2.0","result":"é","id":1}: é is 2 bytes
    assertThat(JsonRpcCodec.encodeWithin(r, exact.length)).hasValueSatisfying(b -> assertThat(b).isEqualTo(exact));
    assertThat(JsonRpcCodec.encodeWithin(r, exact.length - 1)).isEmpty();
  }

  @Test
  void encodeWithinStopsEarlyOnAHugeResult() {
    JsonArray big = new JsonArray();
    for (int i = 0; i < 100_000; i++) {
      big.add("0123456789");
    }
    JsonRpcResponse r = JsonRpcResponse.success(JsonRpcId.NULL, big);
    assertThat(JsonRpcCodec.encodeWithin(r, 1024)).isEmpty();
  }

  /** Counts the characters the parser pulled from its source. */
  private static final class CountingReader extends Reader {
    private final Reader in;
    long chars;

    CountingReader(Reader in) {
      this.in = in;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      if (n > 0) {
        chars += n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A result handed over as a tree, a streamed value or pre-encoded bytes goes on the wire as the
 * same bytes as the tree encoding of before, and the answer-size bound holds while writing.
 */
class ResultValueEncodingTest {
  private static final JsonRpcId ID = new JsonRpcId.StringId("8a5b1c6e-2f4d");

  record Nic(String name, long mtu, List<String> addresses, boolean up, String note) {}

  private static final Nic NIC = new Nic("ens3 <é>", 1500, List.of("10.0.0.1/24", "fe80::1/64"), true, null);
  private static final String NIC_JSON =
      "{\"name\":\"ens3 <é>\",\"mtu\":1500,\"addresses\":[\"10.0.0.1/24\",\"fe80::1/64\"],\"up\":true,\"note\":null}";

  static Stream<Arguments> kinds() {
    JsonElement tree = JsonParser.parseString(NIC_JSON);
    return Stream.of(
        Arguments.of("tree", ResultValue.of(tree)),
        Arguments.of("typed, streamed", ResultValue.of(NIC, Nic.class)),
        Arguments.of("written by code", ResultValue.written(out -> {
          out.beginObject().name("name").value("ens3 <é>").name("mtu").value(1500);
          out.name("addresses").beginArray().value("10.0.0.1/24").value("fe80::1/64").endArray();
          out.name("up").value(true).name("note").nullValue().endObject();
        })),
        Arguments.of("pre-encoded tree", ResultValue.preEncoded(tree)),
        Arguments.of("pre-encoded bytes", ResultValue.preEncoded(NIC_JSON.getBytes(UTF_8))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void everyKindIsWrittenAsTheSameBytesAsTheTree(String kind, ResultValue value) {
    byte[] expected = JsonRpcCodec.encode(JsonRpcResponse.success(ID, JsonParser.parseString(NIC_JSON)));
    assertThat(new String(expected, UTF_8))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":" + NIC_JSON + ",\"id\":\"8a5b1c6e-2f4d\"}");
    assertThat(JsonRpcCodec.encodeSuccessWithin(ID, value, 1 << 20)).hasValueSatisfying(
        bytes -> assertThat(bytes).isEqualTo(expected));
    assertThat(value.toTree()).isEqualTo(JsonParser.parseString(NIC_JSON));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void anAnswerOneByteOverTheBoundIsNotEncoded(String kind, ResultValue value) {
    int exact = JsonRpcCodec.encode(JsonRpcResponse.success(ID, JsonParser.parseString(NIC_JSON))).length;
    assertThat(JsonRpcCodec.encodeSuccessWithin(ID, value, exact)).isPresent();
    assertThat(JsonRpcCodec.encodeSuccessWithin(ID, value, exact - 1)).isEmpty();
  }

  @Test
  void aStreamedValueStopsBeingWrittenAtTheBound() {
    int[] written = {0};
    ResultValue endless = ResultValue.written(out -> {
      out.beginArray();
      for (int i = 0; i < 10_000_000; i++) {
        out.value("0123456789");
        written[0]++;
      }
      out.endArray();
    });
    assertThat(JsonRpcCodec.encodeSuccessWithin(ID, endless, 64 * 1024)).isEmpty();
    assertThat(written[0]).isLessThan(64 * 1024 / 10);
  }

  @Test
  void numberIdsAndNullIdsAreWrittenAsBefore() {
    JsonRpcId number = new JsonRpcId.NumberId(new java.math.BigDecimal("1.0"));
    ResultValue value = ResultValue.of(Map.of("a", 1), Map.class);
    assertThat(new String(JsonRpcCodec.encodeSuccessWithin(number, value, 100).orElseThrow(), UTF_8))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"a\":1},\"id\":1.0}");
    assertThat(new String(JsonRpcCodec.encodeSuccessWithin(JsonRpcId.NULL, value, 100).orElseThrow(), UTF_8))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"a\":1},\"id\":null}");
  }

  @Test
  void aValueThatCannotBeWrittenIsRefused() {
    assertThatThrownBy(() -> JsonRpcCodec.encodeSuccessWithin(ID, ResultValue.of(Double.NaN, double.class), 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonRpcCodec.encodeSuccessWithin(ID, ResultValue.written(out -> {
      throw new IOException("backend failed");
    }), 100)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend failed");
  }

  @Test
  void codeThatWritesNothingOrHalfAValueIsRefused() {
    assertThatThrownBy(() -> JsonRpcCodec.encodeSuccessWithin(ID, ResultValue.written(out -> {}), 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonRpcCodec.encodeSuccessWithin(ID, ResultValue.written(out -> out.beginObject()), 100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "{", "1 2", "{\"a\":01}", "[1,]", "\"\\x\""})
  void preEncodedBytesMustBeOneStrictJsonValue(String text) {
    assertThatThrownBy(() -> ResultValue.preEncoded(text.getBytes(UTF_8))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void preEncodedBytesMustBeValidUtf8() {
    assertThatThrownBy(() -> ResultValue.preEncoded(new byte[] {'"', (byte) 0xC3, '"'}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void preEncodedBytesAreCopied() {
    byte[] bytes = "[1]".getBytes(UTF_8);
    ResultValue value = ResultValue.preEncoded(bytes);
    bytes[1] = '2';
    assertThat(value.toTree().toString()).isEqualTo("[1]");
  }
}

package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;

/**
 * The id guessed from the end of a body: exactly the string id of a trailing {@code "id":"..."}
 * member, white space allowed between the tokens, ids of at most 256 bytes; anything else is no
 * guess.
 */
class TailIdTest {

  private static JsonRpcId find(String body) {
    return TailId.find(body.getBytes(UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"call-1\"}",
      "{\"id\":\"call-1\"}",
      // every white space JSON allows, in every gap the guess looks through
      "{\"result\":1 \t\r\n, \t\r\n\"id\" \t\r\n: \t\r\n\"call-1\" \t\r\n} \t\r\n",
      "{\"result\":1,\n\"id\":\r\"call-1\"\t}\n",
      "{ \"id\":\"call-1\"}"})
  void guessesTheTrailingStringId(String body) {
    assertThat(find(body)).isEqualTo(new JsonRpcId.StringId("call-1"));
  }

  @Test
  void keepsSpacesAndNonAsciiBytesOfTheId() {
    // 0x20 is the first byte that needs no escape; bytes of multi-byte characters are negative
    assertThat(find("{\"id\":\"a b é €\"}")).isEqualTo(new JsonRpcId.StringId("a b é €"));
    assertThat(find("{\"id\":\"\"}")).isEqualTo(new JsonRpcId.StringId(""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "",
      "}",
      " \n",
      "\"}",
      "\"call-1\"}",
      ":\"call-1\"}",
      "\"id\":\"call-1\"}",
      "{\"id\":\"call-1\"",
      "{\"id\":\"call-1\"} x",
      "{\"id\":\"call-1\"]",
      "{\"id\":call-1}",
      "{\"id\":1}",
      "{\"id\" \"call-1\"}",
      "{\"id\",\"call-1\"}",
      "{\"ix\":\"call-1\"}",
      "{\"xd\":\"call-1\"}",
      "{xid\":\"call-1\"}",
      "{\"id\"x:\"call-1\"}",
      "{\"result\":1 \"id\":\"call-1\"}",
      "[\"id\":\"call-1\"}",
      "{\"id\":\"ca\\\"ll\"}",
      "{\"id\":\"call\\u002d1\"}",
      "{\"result\":\"x\",\"y\":\"id\":\"call-1\"}"})
  void guessesNothingWhenTheBodyDoesNotEndWithAStringIdMember(String body) {
    assertThat(find(body)).isNull();
  }

  @ParameterizedTest(name = "U+{0}")
  @CsvSource({"0", "1", "1f"})
  void guessesNothingForAnIdWithARawControlCharacter(String hex) {
    char control = (char) Integer.parseInt(hex, 16);
    assertThat(find("{\"id\":\"a" + control + "b\"}")).isNull();
  }

  @Test
  void guessesIdsOfAtMost256Bytes() {
    String longest = "x".repeat(TailId.MAX_ID_BYTES);
    assertThat(TailId.MAX_ID_BYTES).isEqualTo(256);
    assertThat(find("{\"id\":\"" + longest + "\"}")).isEqualTo(new JsonRpcId.StringId(longest));
    assertThat(find("{\"id\":\"" + longest + "x\"}")).isNull();
    // the bound counts bytes, not characters: 128 two-byte characters fit, one more byte does not
    String twoByte = "é".repeat(128);
    assertThat(find("{\"id\":\"" + twoByte + "\"}")).isEqualTo(new JsonRpcId.StringId(twoByte));
    assertThat(find("{\"id\":\"x" + twoByte + "\"}")).isNull();
  }

  @Test
  void aValueWithoutItsOpeningQuoteIsNoGuessEvenAtTheScanLimit() {
    // 257 bytes then the closing quote: the byte where the scan stops must itself be a quote; taking
    // the last 256 bytes as the id would be a guess at a value that is not a string
    assertThat(find("{\"id\":" + "x".repeat(TailId.MAX_ID_BYTES + 1) + "\"}")).isNull();
    assertThat(find("x".repeat(TailId.MAX_ID_BYTES) + "\"}")).isNull();
  }
}

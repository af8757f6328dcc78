package org.ovirt.vdsm.messaging.server.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;
import org.ovirt.vdsm.messaging.server.testing.LogCapture;

/** No answer is larger than the bound; what would be is replaced by an error with its id. */
class BoundedAnswersTest {
  private final BoundedAnswers answers = new BoundedAnswers(2048);

  private static Answer ok(int id, int resultChars) {
    return Answer.of(JsonRpcResponse.success(new JsonRpcId.NumberId(BigDecimal.valueOf(id)), new JsonPrimitive("x".repeat(resultChars))));
  }

  private static final String TOO_LARGE =
      "{\"code\":-32603,\"message\":\"Internal error: the answer exceeds the limit of 2048 bytes of a message\"}";

  @Test
  void aSmallAnswerIsTheUsualEncoding() {
    assertThat(new String(answers.single(ok(1, 10)), UTF_8))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"xxxxxxxxxx\",\"id\":1}");
  }

  @Test
  void anOversizedAnswerBecomesAnErrorWithItsId() {
    assertThat(new String(answers.single(ok(7, 5000)), UTF_8))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":" + TOO_LARGE + ",\"id\":7}");
  }

  @Test
  void aBatchKeepsEveryIdAndLosesOnlyItsLargestResults() {
    byte[] bytes = answers.batch(List.of(ok(1, 10), ok(2, 900), ok(3, 1500), ok(4, 20)));
    assertThat(bytes.length).isLessThanOrEqualTo(2048);
    JsonArray batch = JsonParser.parseString(new String(bytes, UTF_8)).getAsJsonArray();
    assertThat(batch).hasSize(4);
    assertThat(batch.get(0).getAsJsonObject().get("result").getAsString()).hasSize(10);
    assertThat(batch.get(1).getAsJsonObject().get("result").getAsString()).hasSize(900);
    assertThat(batch.get(2).getAsJsonObject().get("error").toString()).isEqualTo(TOO_LARGE);
    assertThat(batch.get(2).getAsJsonObject().get("id").getAsInt()).isEqualTo(3);
    assertThat(batch.get(3).getAsJsonObject().get("result").getAsString()).hasSize(20);
  }

  @Test
  void aBatchThatFitsIsTheUsualArray() {
    assertThat(new String(answers.batch(List.of(ok(1, 1), ok(2, 2))), UTF_8))
        .isEqualTo("[{\"jsonrpc\":\"2.0\",\"result\":\"x\",\"id\":1},{\"jsonrpc\":\"2.0\",\"result\":\"xx\",\"id\":2}]");
  }

  @Test
  void aStreamedResultOverTheBoundBecomesAnErrorWithItsId() {
    ResultValue endless = ResultValue.written(out -> {
      out.beginArray();
      for (int i = 0; i < 1_000_000; i++) {
        out.value(i);
      }
      out.endArray();
    });
    Answer answer = Answer.success(new JsonRpcId.StringId("s1"), endless);
    assertThat(new String(answers.single(answer), UTF_8))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":" + TOO_LARGE + ",\"id\":\"s1\"}");
  }

  @Test
  void aPreEncodedResultIsSentAsItsBytes() {
    Answer answer = Answer.success(new JsonRpcId.StringId("p1"), ResultValue.preEncoded("{\"a\":[1,2]}".getBytes(UTF_8)));
    assertThat(new String(answers.single(answer), UTF_8)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"a\":[1,2]},\"id\":\"p1\"}");
  }

  @Test
  void aResultThatCannotBeWrittenBecomesAnInternalError() {
    Answer answer = Answer.success(new JsonRpcId.StringId("n1"), ResultValue.written(out -> out.value(Double.NaN)));
    assertThat(new String(answers.single(answer), UTF_8)).isEqualTo(
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error: the result could not be written as JSON\"},\"id\":\"n1\"}");
  }

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  private byte[] tooLargeFor(int id) {
    return answers.single(Answer.failure(new JsonRpcId.NumberId(BigDecimal.valueOf(id)), answers.tooLarge()));
  }

  @Test
  void aBatchOfExactlyTheBoundIsSentWholeAndOneByteMoreLosesItsLargestResult() {
    // Two members: brackets and one comma, 3 bytes around them.
    int first = answers.single(ok(1, 1000)).length;
    int second = 2048 - 3 - first;
    int chars = second - answers.single(ok(2, 0)).length;
    byte[] exact = answers.batch(List.of(ok(1, 1000), ok(2, chars)));
    assertThat(exact).hasSize(2048);
    assertThat(text(exact)).isEqualTo("[" + text(answers.single(ok(1, 1000))) + "," + text(answers.single(ok(2, chars))) + "]");

    byte[] over = answers.batch(List.of(ok(1, 1000), ok(2, chars + 1)));
    assertThat(text(over)).isEqualTo("[" + text(tooLargeFor(1)) + "," + text(answers.single(ok(2, chars + 1))) + "]");
  }

  @Test
  void replacingStopsAsSoonAsTheBatchFitsExactly() {
    // After the largest result (id 1) becomes an error, the array is exactly 2048 bytes: id 2 stays.
    int third = answers.single(ok(3, 10)).length;
    int second = 2048 - 4 - tooLargeFor(1).length - third;
    int chars = second - answers.single(ok(2, 0)).length;
    assertThat(chars).as("id 2 is the second largest").isGreaterThan(10).isLessThan(1900);
    byte[] bytes = answers.batch(List.of(ok(1, 1900), ok(2, chars), ok(3, 10)));
    assertThat(bytes).hasSize(2048);
    assertThat(text(bytes)).isEqualTo("[" + text(tooLargeFor(1)) + "," + text(answers.single(ok(2, chars))) + ","
        + text(answers.single(ok(3, 10))) + "]");
  }

  @Test
  void whenEvenTheErrorsDoNotFitTheBatchIsOneErrorWithIdNull() {
    BoundedAnswers tiny = new BoundedAnswers(200);
    assertThat(text(tiny.batch(List.of(ok(1, 60), ok(2, 60), ok(3, 60))))).isEqualTo(
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error: the answer exceeds the limit of 200 bytes of a message\"},\"id\":null}");
  }

  @Test
  void anErrorAnswerIsWrittenAsItIs() {
    Answer refused = Answer.failure(new JsonRpcId.StringId("e1"), new org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError(1100, "busy"));
    assertThat(text(answers.single(refused))).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1100,\"message\":\"busy\"},\"id\":\"e1\"}");
  }

  @Test
  void aBatchMemberOverTheBoundOnItsOwnBecomesAnErrorWithItsId() {
    byte[] bytes = answers.batch(List.of(ok(1, 10), ok(2, 5000)));
    assertThat(text(bytes)).isEqualTo("[" + text(answers.single(ok(1, 10))) + "," + text(tooLargeFor(2)) + "]");
  }

  @Test
  void everyReplacementIsLogged() {
    try (LogCapture log = new LogCapture(BoundedAnswers.class, Level.WARN)) {
      log.repeatUntilLogged(() -> answers.single(ok(7, 5000)), Level.WARN,
          "an answer passed the limit of 2048 bytes: replaced by an error");
      log.repeatUntilLogged(() -> answers.batch(List.of(ok(1, 1500), ok(2, 1500))), Level.WARN,
          "a batch answer passed the limit of 2048 bytes: its largest responses replaced by errors");
      Answer nan = Answer.success(new JsonRpcId.StringId("n1"), ResultValue.written(out -> out.value(Double.NaN)));
      log.repeatUntilLogged(() -> answers.single(nan), Level.WARN,
          l -> l.startsWith("a result could not be written as JSON (") && l.contains("NaN")
              && l.endsWith("): answered with an error"),
          "the unwritable result, naming why");
    }
  }
}

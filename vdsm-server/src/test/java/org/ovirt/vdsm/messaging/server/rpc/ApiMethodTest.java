package org.ovirt.vdsm.messaging.server.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;

/** An API method's two faces: the tree ({@link ApiMethod#invoke}) and the value the dispatcher writes. */
class ApiMethodTest {

  @Test
  void aTreeMethodAnswersWithItsTreeAndNothingAsNull() throws ApiException {
    ApiMethod tree = p -> new JsonPrimitive("x");
    assertThat(tree.answer(new JsonObject()).toTree()).isEqualTo(new JsonPrimitive("x"));
    ApiMethod nothing = p -> null;
    assertThat(nothing.answer(new JsonObject())).isNull();
  }

  @Test
  void aStreamingMethodIsWrittenAsItsValueAndBuildsTheSameTreeForOtherBindings() throws ApiException {
    ResultValue value = ResultValue.preEncoded("{\"a\":[1,2]}".getBytes(UTF_8));
    ApiMethod streaming = ApiMethod.streaming(p -> value);
    assertThat(streaming.answer(new JsonObject())).isSameAs(value);
    assertThat(streaming.invoke(new JsonObject())).isEqualTo(JsonParser.parseString("{\"a\":[1,2]}"));
  }

  @Test
  void aStreamingMethodWithNothingToReturnGivesNullBothWays() throws ApiException {
    ApiMethod streaming = ApiMethod.streaming(p -> null);
    assertThat(streaming.answer(new JsonObject())).isNull();
    assertThat(streaming.invoke(new JsonObject())).isNull();
  }
}

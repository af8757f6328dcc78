package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Alias;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Primitive;

/** Which strings are taken for the boolean or number the schema wants, and which stay strings. */
class ScalarStringsTest {
  private static final TypeSchema SIZE = new Alias("Size", "a size", Primitive.LONG, null);

  static Stream<Arguments> conversions() {
    return Stream.of(
        // type, string sent, the JSON it becomes ("" = stays the string)
        Arguments.of(Primitive.BOOLEAN, "true", "true"),
        Arguments.of(Primitive.BOOLEAN, "false", "false"),
        Arguments.of(Primitive.INT, "2", "2"),
        Arguments.of(Primitive.INT, "0", "0"),
        Arguments.of(Primitive.INT, "-17", "-17"),
        Arguments.of(Primitive.LONG, "9223372036854775807", "9223372036854775807"),
        Arguments.of(SIZE, "1073741824", "1073741824"),
        Arguments.of(Primitive.FLOAT, "1.5", "1.5"),
        Arguments.of(Primitive.FLOAT, "-2", "-2"),
        Arguments.of(Primitive.FLOAT, "6.02e23", "6.02e23"),
        Arguments.of(Primitive.FLOAT, "0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827"));
  }

  @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
  @MethodSource("conversions")
  void convertsLosslessStringForms(TypeSchema type, String sent, String json) {
    JsonElement converted = ScalarStrings.convert(type, new JsonPrimitive(sent));
    assertThat(converted.isJsonPrimitive() && converted.getAsJsonPrimitive().isString()).isFalse();
    assertThat(converted.toString()).isEqualTo(json);
    assertThat(converted).isEqualTo(JsonParser.parseString(json));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(Primitive.BOOLEAN, "True"),
        Arguments.of(Primitive.BOOLEAN, "TRUE"),
        Arguments.of(Primitive.BOOLEAN, "1"),
        Arguments.of(Primitive.BOOLEAN, "yes"),
        Arguments.of(Primitive.BOOLEAN, " true"),
        Arguments.of(Primitive.BOOLEAN, ""),
        Arguments.of(Primitive.INT, "1.5"),
        Arguments.of(Primitive.INT, "2.0"),
        Arguments.of(Primitive.INT, " 2"),
        Arguments.of(Primitive.INT, "2 "),
        Arguments.of(Primitive.INT, "2x"),
        Arguments.of(Primitive.INT, "+2"),
        Arguments.of(Primitive.INT, "02"),
        Arguments.of(Primitive.INT, "-0"),
        Arguments.of(Primitive.INT, "1e3"),
        Arguments.of(Primitive.INT, "0x10"),
        Arguments.of(Primitive.INT, ""),
        Arguments.of(Primitive.INT, "true"),
        Arguments.of(Primitive.LONG, "1".repeat(65)),
        Arguments.of(Primitive.FLOAT, "NaN"),
        Arguments.of(Primitive.FLOAT, "Infinity"),
        Arguments.of(Primitive.FLOAT, ".5"),
        Arguments.of(Primitive.FLOAT, "1."),
        Arguments.of(Primitive.FLOAT, "1e999"),
        Arguments.of(Primitive.STRING, "2"),
        Arguments.of(Primitive.ANY, "true"),
        Arguments.of(new Alias("Uuid", "an id", Primitive.STRING, Pattern.compile("[0-9]+")), "2"));
  }

  @ParameterizedTest(name = "{0} \"{1}\" stays a string")
  @MethodSource("refusals")
  void leavesEverythingElseAlone(TypeSchema type, String sent) {
    JsonPrimitive value = new JsonPrimitive(sent);
    assertThat(ScalarStrings.convert(type, value)).isSameAs(value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversions")
  void leavesRealBooleansAndNumbersAlone(TypeSchema type, String ignored, String json) {
    JsonElement value = JsonParser.parseString(json);
    assertThat(ScalarStrings.convert(type, value)).isSameAs(value);
  }
}

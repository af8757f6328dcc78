package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.schema.SchemaJson.json;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The type rules, on a small schema where method {@code T.<type>(v)} takes and returns one value of
 * each type: checked as a param (lenient about undeclared members) and as a result (strict).
 */
class TypeRulesTest {

  static final String TYPES =
      """
      types:
        Code:
          kind: alias
          of: string
          pattern: '[A-Z]{3}'
          description: Three capital letters.
        ShortCode:
          kind: alias
          of: Code
          pattern: 'A.*'
          description: A code starting with A.
        Color:
          kind: enum
          description: A color.
          values:
            red: Red.
            green: Green.
        Level:
          kind: enum
          description: A level.
          values:
            1: One.
            2: Two.
        Counts:
          kind: map
          key: string
          value: int
          description: Counts by name.
        ByCode:
          kind: map
          key: Code
          value: string
          description: Texts by code.
        IntOrCode:
          kind: union
          of: [int, Code]
          description: A number or a code.
        Closed:
          kind: object
          extra: forbid
          description: Nothing but a.
          properties:
            - name: a
              type: int
              description: A.
        Open:
          kind: object
          description: a, and more in params.
          properties:
            - name: a
              type: int
              description: A.
            - name: o
              type: string
              optional: true
              description: Optional o.
        Free:
          kind: object
          extra: allow
          description: a, and anything else.
          properties:
            - name: a
              type: int
              description: A.
        Mixed:
          kind: object
          description: n, and counts by code.
          properties:
            - name: n
              type: long
              description: N.
          entries:
            key: Code
            value: int
        Secret:
          kind: object
          description: Holds a password.
          properties:
            - name: password
              type: Code
              description: Never shown.
            - name: _X_data
              type: Color
              description: Never shown either.
      """;

  static final List<String> TYPE_NAMES =
      List.of(
          "string", "int", "long", "float", "boolean", "any", "Code", "ShortCode", "Color", "Level",
          "Counts", "ByCode", "IntOrCode", "Closed", "Open", "Free", "Mixed", "Secret", "[int]");

  static final SchemaValidator VALIDATOR = new SchemaValidator(ApiSchema.parse(document(), "rules.yml"));

  private static String document() {
    StringBuilder methods = new StringBuilder("methods:\n");
    for (String type : TYPE_NAMES) {
      methods
          .append("  T.")
          .append(method(type))
          .append(":\n    subsystem: host\n    description: Takes and returns a ")
          .append(type)
          .append(".\n    params:\n      - name: v\n        type: ")
          .append(type)
          .append("\n        description: The value.\n    returns:\n      type: ")
          .append(type)
          .append("\n      description: The value.\n");
    }
    return TYPES + methods;
  }

  private static String method(String type) {
    return type.equals("[int]") ? "listOfInt" : type;
  }

  static Stream<Arguments> values() {
    return Stream.of(
        // type, value, ok as param, ok as result, fragment of the violation (either way)
        row("int", "1", true, true, ""),
        row("int", "-2147483648", true, true, ""),
        row("int", "2147483647", true, true, ""),
        row("int", "2.0", true, true, ""),
        row("int", "1e3", true, true, ""),
        row("int", "0.0", true, true, ""),
        row("int", "2147483648", false, false, "must be an int, got 2147483648 (out of range)"),
        row("int", "-2147483649", false, false, "(out of range)"),
        row("int", "1.5", false, false, "must be an int, got 1.5 (not integral)"),
        row("int", "1e-3", false, false, "(not integral)"),
        row("int", "'1'", false, false, "must be an int, got string"),
        row("int", "true", false, false, "must be an int, got boolean"),
        row("int", "null", false, false, "must be an int, got null"),
        row("long", "9223372036854775807", true, true, ""),
        row("long", "-9223372036854775808", true, true, ""),
        row("long", "9223372036854775808", false, false, "must be a long, got 9223372036854775808 (out of range)"),
        row("long", "1e400", false, false, "(out of range)"),
        row("float", "1.5", true, true, ""),
        row("float", "1", true, true, ""),
        row("float", "-1e-300", true, true, ""),
        row("float", "'1.5'", false, false, "must be a number, got string"),
        row("boolean", "false", true, true, ""),
        row("boolean", "'true'", false, false, "must be a boolean, got string"),
        row("boolean", "0", false, false, "must be a boolean, got number"),
        row("string", "''", true, true, ""),
        row("string", "1", false, false, "must be a string, got number"),
        row("any", "null", true, true, ""),
        row("any", "{'x':[1,{}]}", true, true, ""),
        row("any", "[]", true, true, ""),
        row("Code", "'ABC'", true, true, ""),
        row("Code", "'ABCD'", false, false, "must be a string (Code), got 'ABCD'"),
        row("Code", "'xABC'", false, false, "must be a string (Code), got 'xABC'"),
        row("Code", "'abc'", false, false, "got 'abc'"),
        row("Code", "7", false, false, "must be a string (Code), got number"),
        row("ShortCode", "'ABC'", true, true, ""),
        row("ShortCode", "'BCD'", false, false, "must be a string (ShortCode), got 'BCD'"),
        row("ShortCode", "'Abc'", false, false, "must be a string (ShortCode), got 'Abc'"),
        row("Color", "'red'", true, true, ""),
        row("Color", "'Red'", false, false, "must be one of Color ('red', 'green'), got 'Red'"),
        row("Color", "1", false, false, "must be one of Color ('red', 'green'), got 1"),
        row("Color", "{}", false, false, "got object"),
        row("Level", "2", true, true, ""),
        row("Level", "2.0", true, true, ""),
        row("Level", "3", false, false, "must be one of Level (1, 2), got 3"),
        row("Level", "'1'", false, false, "got '1'"),
        row("[int]", "[]", true, true, ""),
        row("[int]", "[1,2,3]", true, true, ""),
        row("[int]", "[1,'2']", false, false, "v[1] must be an int, got string"),
        row("[int]", "[null]", false, false, "v[0] must be an int, got null"),
        row("[int]", "{}", false, false, "must be a list of int, got object"),
        row("Counts", "{}", true, true, ""),
        row("Counts", "{'a':1,'b c':2}", true, true, ""),
        row("Counts", "{'a':'1'}", false, false, "v.a must be an int, got string"),
        row("Counts", "{'a.b':true}", false, false, "v[\"a.b\"] must be an int, got boolean"),
        row("Counts", "[]", false, false, "must be an object (Counts), got array"),
        row("ByCode", "{'ABC':'x'}", true, true, ""),
        row("ByCode", "{'abc':'x'}", false, false, "has a key that must be a string (Code), got 'abc'"),
        row("IntOrCode", "5", true, true, ""),
        row("IntOrCode", "'XYZ'", true, true, ""),
        row("IntOrCode", "'xyz'", false, false, "must be one of IntOrCode (int, Code), got 'xyz'"),
        row("IntOrCode", "5.5", false, false, "must be one of IntOrCode (int, Code), got 5.5"),
        row("IntOrCode", "[]", false, false, "must be one of IntOrCode (int, Code), got array"),
        row("Closed", "{'a':1}", true, true, ""),
        row("Closed", "{'a':1,'b':2}", false, false, "v.b is not declared in Closed"),
        row("Closed", "{}", false, false, "v.a is missing: expected an int"),
        row("Closed", "{'a':null}", false, false, "v.a must be an int, got null"),
        row("Open", "{'a':1,'b':2}", true, false, "v.b is not declared in Open"),
        row("Open", "{'a':1,'o':null}", true, true, ""),
        row("Open", "{'a':1,'o':'x'}", true, true, ""),
        row("Open", "{'a':1,'o':1}", false, false, "v.o must be a string, got number"),
        row("Free", "{'a':1,'b':2,'c':{}}", true, true, ""),
        row("Free", "{'b':2}", false, false, "v.a is missing"),
        row("Mixed", "{'n':1}", true, true, ""),
        row("Mixed", "{'n':1,'ABC':2,'XYZ':3}", true, true, ""),
        row("Mixed", "{'n':1,'abc':2}", false, false, "v has a key that must be a string (Code), got 'abc'"),
        row("Mixed", "{'n':1,'ABC':'2'}", false, false, "v.ABC must be an int, got string"),
        row("Mixed", "{'ABC':2}", false, false, "v.n is missing: expected a long"),
        row("Secret", "{'password':'ABC','_X_data':'red'}", true, true, ""),
        row("Secret", "{'password':'hunter2','_X_data':'red'}", false, false, "v.password must be a string (Code), got string"),
        row("Secret", "{'password':'ABC','_X_data':'hunter2'}", false, false, "v._X_data must be one of Color ('red', 'green'), got string"));
  }

  private static Arguments row(String type, String value, boolean okAsParam, boolean okAsResult, String fragment) {
    return Arguments.of(type, value, okAsParam, okAsResult, fragment);
  }

  @ParameterizedTest(name = "{0} {1}: param {2}, result {3}")
  @MethodSource("values")
  void appliesTypeRules(String type, String value, boolean okAsParam, boolean okAsResult, String fragment) {
    JsonElement v = json(value);
    JsonObject params = new JsonObject();
    params.add("v", v);
    ParamCheck asParam = VALIDATOR.validateParams("T." + method(type), params);
    List<String> asResult = VALIDATOR.validateResult("T." + method(type), v);

    assertThat(asParam.isValid()).as("as param: " + asParam).isEqualTo(okAsParam);
    assertThat(asResult).as("as result").hasSize(okAsResult ? 0 : 1);
    // a fragment is "<path> <problem>" (path v, v.a, v[1], ...), "<problem>" for v, or a part of a problem
    boolean hasPath = fragment.matches("v([.\\[ ]).*");
    boolean isProblem = fragment.startsWith("must be ");
    String path = hasPath ? fragment.substring(0, fragment.indexOf(' ')) : "v";
    String problem = hasPath ? fragment.substring(fragment.indexOf(' ') + 1) : fragment;
    if (!okAsParam) {
      String message = ((ParamCheck.Invalid) asParam).error().message();
      assertThat(message).contains(hasPath || isProblem ? "parameter '" + path + "' " + problem : fragment).doesNotContain("hunter2");
    }
    if (!okAsResult) {
      String resultPath = "result" + path.substring(1);
      assertThat(asResult.get(0))
          .startsWith("T." + method(type) + ": ")
          .contains(hasPath || isProblem ? resultPath + " " + problem : fragment)
          .doesNotContain("hunter2");
    }
  }

  @Test
  void optionalParamNullTakesDefaultButRequiredAnyKeepsNull() {
    ApiSchema schema =
        ApiSchema.parse(
            """
            methods:
              T.m:
                subsystem: virt
                description: M.
                params:
                  - name: a
                    type: any
                    description: Required, anything.
                  - name: b
                    type: int
                    default: 7
                    description: Optional.
                  - name: c
                    type: string
                    optional: true
                    description: Optional without default.
            """,
            "m.yml");
    ParamCheck.Valid valid = (ParamCheck.Valid) new SchemaValidator(schema).validateParams("T.m", json("[null, null]"));
    assertThat(valid.params()).isEqualTo(json("{'a':null,'b':7,'c':null}"));
    assertThat(new SchemaValidator(schema).validateParams("T.m", json("{}")).isValid()).isFalse();
  }
}

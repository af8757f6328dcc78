package org.ovirt.vdsm.messaging.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.schema.Subsystem;

/**
 * Params checked against the bundled VDSM schema before a method runs: mapped by name, defaults
 * filled in, strict or converting string scalars, numbers beyond a double refused for every method,
 * size bounds applied, methods the schema does not describe mapped by their registered names, and
 * each call routed to the subsystem the schema names.
 */
class SchemaParamValidatorTest {
  private static final ApiMethod NONE = p -> null;
  private static final MethodRegistry.Registration GET_VM_LIST =
      new MethodRegistry.Registration("Host.getVMList", List.of(), NONE);
  private static final MethodRegistry.Registration ECHO =
      new MethodRegistry.Registration("Host.echo", List.of("message"), NONE);
  private static final MethodRegistry.Registration CUSTOM =
      new MethodRegistry.Registration("Custom.thing", List.of("a", "b"), NONE);

  private static JsonElement json(String s) {
    return JsonParser.parseString(s);
  }

  private static int codeOf(ThrowingCall call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e.error().code();
    }
    throw new AssertionError("not refused");
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws ApiException;
  }

  @Test
  void describedMethodsGetTheirParamsByNameWithDefaults() throws ApiException {
    assertThat(SchemaParamValidator.vdsm().validate(GET_VM_LIST, null))
        .isEqualTo(json("{\"fullStatus\":false,\"vmList\":[],\"onlyUUID\":false}"));
    assertThat(SchemaParamValidator.vdsm().validate(ECHO, json("[\"hi\"]"))).isEqualTo(json("{\"message\":\"hi\"}"));
  }

  @Test
  void stringScalarsAreRefusedWhenStrictAndConvertedOtherwise() throws ApiException {
    JsonElement stringBoolean = json("{\"fullStatus\":\"true\"}");
    assertThat(codeOf(() -> SchemaParamValidator.vdsm().validate(GET_VM_LIST, stringBoolean)))
        .isEqualTo(JsonRpcError.INVALID_PARAMS);
    assertThat(codeOf(() -> SchemaParamValidator.vdsm(false).validate(GET_VM_LIST, stringBoolean)))
        .isEqualTo(JsonRpcError.INVALID_PARAMS);
    assertThat(codeOf(() -> new SchemaParamValidator(ApiSchema.vdsm()).validate(GET_VM_LIST, stringBoolean)))
        .isEqualTo(JsonRpcError.INVALID_PARAMS);
    assertThat(SchemaParamValidator.vdsm(true).validate(GET_VM_LIST, stringBoolean).get("fullStatus").getAsBoolean())
        .isTrue();
  }

  @Test
  void aMissingParamIsRefused() {
    assertThat(codeOf(() -> SchemaParamValidator.vdsm().validate(ECHO, json("{}")))).isEqualTo(JsonRpcError.INVALID_PARAMS);
  }

  @Test
  void aNumberBeyondADoubleIsRefusedForEveryMethodNamingWhereItIs() {
    for (MethodRegistry.Registration method : List.of(ECHO, CUSTOM)) {
      assertThatThrownBy(() -> SchemaParamValidator.vdsm().validate(method, json("{\"a\":[1, 1e400]}")))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error().code()).isEqualTo(JsonRpcError.INVALID_PARAMS);
            assertThat(e.error().message()).endsWith("params.a[1] is a number beyond the range of a double");
          });
    }
  }

  @Test
  void sizeBoundsApplyToDescribedMethods() throws ApiException {
    SchemaParamValidator bounded = new SchemaParamValidator(ApiSchema.vdsm(), false,
        new ParamSizeBounds(Map.of("Host.echo.message", 5)));
    assertThat(bounded.validate(ECHO, json("{\"message\":\"abc\"}"))).isEqualTo(json("{\"message\":\"abc\"}"));
    assertThatThrownBy(() -> bounded.validate(ECHO, json("{\"message\":\"abcd\"}")))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.error().message()).contains("message is larger than 5 bytes"));
  }

  @Test
  void methodsTheSchemaDoesNotDescribeAreMappedByTheirRegisteredNames() throws ApiException {
    assertThat(SchemaParamValidator.vdsm().validate(CUSTOM, json("[1,2]"))).isEqualTo(json("{\"a\":1,\"b\":2}"));
    assertThat(SchemaParamValidator.vdsm().validate(CUSTOM, json("{\"z\":true}"))).isEqualTo(json("{\"z\":true}"));
  }

  @Test
  void callsAreRoutedToTheSubsystemTheSchemaNames() {
    assertThat(SchemaParamValidator.vdsm().subsystemOf("Host.getVMList")).isEqualTo(Subsystem.VIRT);
    assertThat(ParamValidator.BY_REGISTERED_NAMES.subsystemOf("Host.getVMList")).as("by namespace").isEqualTo(Subsystem.HOST);
    assertThat(SchemaParamValidator.vdsm().subsystemOf("StorageDomain.custom")).isEqualTo(Subsystem.STORAGE);
  }
}

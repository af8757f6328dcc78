package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.schema.SchemaJson.json;

import com.google.gson.JsonElement;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * A validator that converts string scalars takes VDSM's {@code vdsm-client} params ({@code
 * fullStatus=true} sent as {@code "true"}); the strict one refuses them, and both refuse what is not
 * a lossless string form.
 */
class ParamStringConversionTest {
  private static final SchemaValidator CONVERTING = new SchemaValidator(ApiSchema.vdsm(), true);
  private static final SchemaValidator STRICT = SchemaValidator.vdsm();

  static Stream<Arguments> cliParams() {
    return Stream.of(
        Arguments.of("Host.getVMList", "{'fullStatus':'true'}", "{'fullStatus':true,'vmList':[],'onlyUUID':false}",
            "parameter 'fullStatus' must be a boolean, got string"),
        Arguments.of("Host.getVMList", "{'fullStatus':'false','onlyUUID':'true'}",
            "{'fullStatus':false,'vmList':[],'onlyUUID':true}", "parameter 'fullStatus' must be a boolean, got string"),
        Arguments.of("VM.destroy", "{'vmID':'$VM','gracefulAttempts':'2'}", "{'vmID':'$VM','gracefulAttempts':2}",
            "parameter 'gracefulAttempts' must be an int, got string"),
        Arguments.of("VM.destroy", "['$VM','3']", "{'vmID':'$VM','gracefulAttempts':3}",
            "parameter 'gracefulAttempts' must be an int, got string"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cliParams")
  void convertsWhatVdsmClientSendsAndStrictModeRefusesIt(String method, String params, String normalized, String strictError) {
    ParamCheck check = CONVERTING.validateParams(method, json(params));
    assertThat(check).isInstanceOf(ParamCheck.Valid.class);
    assertThat(((ParamCheck.Valid) check).params()).isEqualTo(json(normalized));

    ParamCheck strict = STRICT.validateParams(method, json(params));
    assertThat(strict).isInstanceOf(ParamCheck.Invalid.class);
    JsonRpcError error = ((ParamCheck.Invalid) strict).error();
    assertThat(error.code()).isEqualTo(JsonRpcError.INVALID_PARAMS);
    assertThat(error.message()).contains(strictError);
  }

  static Stream<Arguments> notLossless() {
    return Stream.of(
        Arguments.of("Host.getVMList", "{'fullStatus':'True'}", "parameter 'fullStatus' must be a boolean, got string"),
        Arguments.of("Host.getVMList", "{'fullStatus':'1'}", "parameter 'fullStatus' must be a boolean, got string"),
        Arguments.of("VM.destroy", "{'vmID':'$VM','gracefulAttempts':'1.5'}", "parameter 'gracefulAttempts' must be an int, got string"),
        Arguments.of("VM.destroy", "{'vmID':'$VM','gracefulAttempts':' 2'}", "parameter 'gracefulAttempts' must be an int, got string"),
        Arguments.of("VM.destroy", "{'vmID':'$VM','gracefulAttempts':''}", "parameter 'gracefulAttempts' must be an int, got string"),
        Arguments.of("VM.destroy", "{'vmID':'$VM','gracefulAttempts':'99999999999'}", "parameter 'gracefulAttempts' must be an int"),
        Arguments.of("VM.destroy", "{'vmID':'$VM','gracefulAttempts':true}", "parameter 'gracefulAttempts' must be an int, got boolean"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("notLossless")
  void refusesWhatIsNotALosslessForm(String method, String params, String error) {
    ParamCheck check = CONVERTING.validateParams(method, json(params));
    assertThat(check).isInstanceOf(ParamCheck.Invalid.class);
    assertThat(((ParamCheck.Invalid) check).error().code()).isEqualTo(JsonRpcError.INVALID_PARAMS);
    assertThat(((ParamCheck.Invalid) check).error().message()).contains(error);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cliParams")
  void doesNotTouchTheRequestItself(String method, String params, String ignored, String ignored2) {
    JsonElement request = json(params);
    JsonElement copy = request.deepCopy();
    CONVERTING.validateParams(method, request);
    assertThat(request).isEqualTo(copy);
  }
}

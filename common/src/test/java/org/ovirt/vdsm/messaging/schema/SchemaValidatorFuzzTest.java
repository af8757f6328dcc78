package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Param;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes {@link SchemaValidator#validateParams} with the real VDSM schema ({@link ApiSchema#vdsm()})
 * (Jazzer; seeds and findings in {@code SchemaValidatorFuzzTestInputs}). An input is a JSON-RPC body,
 * as the host receives it: every request or notification in it is checked, strictly and with the
 * conversion of string scalars, and the outcome must be:
 *
 * <ul>
 *   <li>never an exception;
 *   <li>{@code -32601} exactly when the method is not in the schema, else valid params or {@code
 *       -32602} with a message of bounded size;
 *   <li>valid params that hold every parameter of the method, in schema order, and that are valid
 *       again when checked strictly (normalizing is idempotent; conversion yields the declared
 *       types);
 *   <li>params valid strictly are valid with conversion too.
 * </ul>
 */
@Tag("fuzz")
class SchemaValidatorFuzzTest {

  private static final SchemaValidator STRICT = new SchemaValidator(ApiSchema.vdsm(), false);
  private static final SchemaValidator CONVERTING = new SchemaValidator(ApiSchema.vdsm(), true);

  /** The longest -32602 message accepted: ten problems, each naming a shortened path and a type. */
  private static final int MAX_MESSAGE = 8 * 1024;

  @FuzzTest(maxDuration = "10m")
  void validatesArbitraryParams(byte[] body) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    for (JsonRpcPayload.Item item : payload.items()) {
      if (item instanceof JsonRpcPayload.Valid valid) {
        if (valid.message() instanceof JsonRpcRequest r) {
          check(r.method(), r.params());
        } else if (valid.message() instanceof JsonRpcNotification n) {
          check(n.method(), n.params());
        }
      }
    }
  }

  private static void check(String method, JsonElement params) {
    ParamCheck strict = STRICT.validateParams(method, params);
    ParamCheck converting = CONVERTING.validateParams(method, copy(params));
    boolean known = ApiSchema.vdsm().method(method).isPresent();
    for (ParamCheck check : List.of(strict, converting)) {
      if (check instanceof ParamCheck.Invalid invalid) {
        JsonRpcError error = invalid.error();
        assertThat(error.code()).isEqualTo(known ? JsonRpcError.INVALID_PARAMS : JsonRpcError.METHOD_NOT_FOUND);
        assertThat(error.message()).hasSizeLessThanOrEqualTo(MAX_MESSAGE);
        assertThat(error.data()).isNull();
      } else {
        assertThat(known).isTrue();
        assertNormalized(method, ((ParamCheck.Valid) check));
      }
    }
    if (strict.isValid()) {
      assertThat(converting.isValid()).as("valid strictly but not with conversion").isTrue();
    }
  }

  private static void assertNormalized(String method, ParamCheck.Valid valid) {
    MethodSchema schema = ApiSchema.vdsm().method(method).orElseThrow();
    assertThat(valid.method()).isSameAs(schema);
    List<String> names = new ArrayList<>();
    for (Param p : schema.params()) {
      names.add(p.name());
    }
    assertThat(new ArrayList<>(valid.params().keySet())).isEqualTo(names);
    JsonObject params = valid.params();
    ParamCheck again = STRICT.validateParams(method, params.deepCopy());
    assertThat(again).as("normalized params of %s checked again", method).isInstanceOf(ParamCheck.Valid.class);
    assertThat(((ParamCheck.Valid) again).params()).isEqualTo(params);
  }

  private static JsonElement copy(JsonElement params) {
    return params == null ? null : params.deepCopy();
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Optional;
import org.ovirt.vdsm.messaging.destinations.MethodSubsystems;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.schema.FiniteNumbers;
import org.ovirt.vdsm.messaging.schema.MethodSchema;
import org.ovirt.vdsm.messaging.schema.ParamCheck;
import org.ovirt.vdsm.messaging.schema.SchemaValidator;
import org.ovirt.vdsm.messaging.schema.Subsystem;

/**
 * Checks params against the API schema before a method runs: missing, unknown or mistyped params
 * are refused with -32602 naming the parameter, positional params are mapped in schema order and
 * omitted optional ones get their defaults. A number beyond the range of a double anywhere in the
 * params ({@code 1e400}) is refused with -32602 for every method, since no binding could give it back. Calls are routed to the subsystem the schema names.
 * Methods the schema does not describe (a packager's additions) fall back to {@link
 * ParamValidator#BY_REGISTERED_NAMES} and routing by namespace.
 */
public final class SchemaParamValidator implements ParamValidator {
  private final ApiSchema schema;
  private final SchemaValidator validator;
  private final ParamSizeBounds sizeBounds;

  /** A strict validator of {@code schema} with no bounds on parameter sizes. */
  public SchemaParamValidator(ApiSchema schema) {
    this(schema, false, new ParamSizeBounds(java.util.Map.of()));
  }

  /**
   * A validator of {@code schema}.
   *
   * @param convertStrings whether lossless string forms of booleans and numbers are converted where
   *     the schema wants one (see {@link SchemaValidator#validateParams})
   * @param sizeBounds bounds on the sizes of the named params
   */
  public SchemaParamValidator(ApiSchema schema, boolean convertStrings, ParamSizeBounds sizeBounds) {
    this.schema = requireNonNull(schema, "schema");
    this.validator = new SchemaValidator(schema, convertStrings);
    this.sizeBounds = requireNonNull(sizeBounds, "sizeBounds");
  }

  /** The strict validator for the bundled VDSM API schema, with {@link ParamSizeBounds#VDSM}. */
  public static SchemaParamValidator vdsm() {
    return vdsm(false);
  }

  /**
   * The validator for the bundled VDSM API schema, with {@link ParamSizeBounds#VDSM}, converting
   * string scalars or not.
   */
  public static SchemaParamValidator vdsm(boolean convertStrings) {
    return new SchemaParamValidator(ApiSchema.vdsm(), convertStrings, ParamSizeBounds.VDSM);
  }

  @Override
  public JsonObject validate(MethodRegistry.Registration method, JsonElement params) throws ApiException {
    Optional<String> outOfRange = FiniteNumbers.firstOutOfRange(params, "params");
    if (outOfRange.isPresent()) {
      throw new ApiException(JsonRpcError.invalidParams(
          outOfRange.get() + " is a number beyond the range of a double"));
    }
    if (schema.method(method.name()).isEmpty()) {
      return BY_REGISTERED_NAMES.validate(method, params);
    }
    ParamCheck check = validator.validateParams(method.name(), params);
    if (check instanceof ParamCheck.Invalid invalid) {
      throw new ApiException(invalid.error());
    }
    JsonObject named = ((ParamCheck.Valid) check).params();
    sizeBounds.check(method.name(), named);
    return named;
  }

  @Override
  public Subsystem subsystemOf(String method) {
    return MethodSubsystems.of(schema, method);
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.ovirt.vdsm.messaging.destinations.MethodSubsystems;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.schema.ParamCheck;
import org.ovirt.vdsm.messaging.schema.SchemaValidator;
import org.ovirt.vdsm.messaging.schema.Subsystem;

/**
 * Checks params against the API schema before a method runs: missing, unknown or mistyped params
 * are refused with -32602 naming the parameter, positional params are mapped in schema order and
 * omitted optional ones get their defaults. Calls are routed to the subsystem the schema names.
 * Methods the schema does not describe (a packager's additions) fall back to {@link
 * ParamValidator#BY_REGISTERED_NAMES} and routing by namespace.
 */
public final class SchemaParamValidator implements ParamValidator {
  private final ApiSchema schema;
  private final SchemaValidator validator;

  /** A strict validator of {@code schema}: a string is never taken for a boolean or a number. */
  public SchemaParamValidator(ApiSchema schema) {
    this(schema, false);
  }

  /**
   * A validator of {@code schema}.
   *
   * @param convertStrings whether lossless string forms of booleans and numbers are converted where
   *     the schema wants one (see {@link SchemaValidator#validateParams})
   */
  public SchemaParamValidator(ApiSchema schema, boolean convertStrings) {
    this.schema = requireNonNull(schema, "schema");
    this.validator = new SchemaValidator(schema, convertStrings);
  }

  /** The strict validator for the bundled VDSM API schema. */
  public static SchemaParamValidator vdsm() {
    return vdsm(false);
  }

  /** The validator for the bundled VDSM API schema, converting string scalars or not. */
  public static SchemaParamValidator vdsm(boolean convertStrings) {
    return new SchemaParamValidator(ApiSchema.vdsm(), convertStrings);
  }

  @Override
  public JsonObject validate(MethodRegistry.Registration method, JsonElement params) throws ApiException {
    if (schema.method(method.name()).isEmpty()) {
      return BY_REGISTERED_NAMES.validate(method, params);
    }
    ParamCheck check = validator.validateParams(method.name(), params);
    if (check instanceof ParamCheck.Invalid invalid) {
      throw new ApiException(invalid.error());
    }
    return ((ParamCheck.Valid) check).params();
  }

  @Override
  public Subsystem subsystemOf(String method) {
    return MethodSubsystems.of(schema, method);
  }
}

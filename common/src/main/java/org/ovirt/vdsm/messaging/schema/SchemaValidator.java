package org.ovirt.vdsm.messaging.schema;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Param;
import org.ovirt.vdsm.messaging.schema.TypeChecker.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks JSON-RPC traffic against an {@link ApiSchema}. Stateless and thread-safe.
 *
 * <ul>
 *   <li>{@link #validateParams} runs on the server before every call: an unknown method is {@code
 *       -32601}; missing, unknown or mistyped params are {@code -32602} with a message naming each
 *       parameter and what was expected ({@code VM.create: parameter 'vmID' must be a string (UUID),
 *       got number}); positional params are mapped to names in schema order; omitted optional
 *       params (and optional params given as {@code null}) get their defaults. Optionally (not by
 *       default), a parameter whose type wants a boolean or a number and that was sent as a string
 *       holding exactly such a value ({@code "true"}, {@code "2"}, as VDSM's {@code vdsm-client}
 *       sends them) is converted before the check; anything else stays strict.
 *   <li>{@link #validateResult} and {@link #validateEvent} are strict and meant for tests: they list
 *       every violation so that the schema and the code cannot drift apart.
 * </ul>
 *
 * <p>Type rules: {@code int} and {@code long} accept JSON numbers with an integral value in range
 * ({@code 2} and {@code 2.0}, not {@code 2.5}); {@code float} accepts any number; aliases of strings
 * apply their pattern to the whole string; enums compare strings exactly and numbers by value; an
 * optional member may be absent or {@code null}; {@code any} accepts everything. Undeclared members
 * of objects follow the type's {@link TypeSchema.Extra} policy: by default accepted in params (VDSM
 * clients send more than the host reads) and reported in results and events.
 */
public final class SchemaValidator {
  /** The most problems named in one {@code -32602} message. */
  public static final int MAX_PARAM_PROBLEMS = 10;
  /** The most violations listed by one strict check. */
  public static final int MAX_VIOLATIONS = 100;

  private static final Logger log = LoggerFactory.getLogger(SchemaValidator.class);

  private final ApiSchema schema;
  private final boolean convertStrings;

  /** A strict validator of {@code schema}: a string is never taken for a boolean or a number. */
  public SchemaValidator(ApiSchema schema) {
    this(schema, false);
  }

  /**
   * A validator of {@code schema}.
   *
   * @param convertStrings whether {@link #validateParams} converts lossless string forms of
   *     booleans and numbers where a parameter's type wants one ({@code "true"}, {@code "2"}; rules
   *     in {@code ScalarStrings}), as VDSM does without {@code api_strict_mode}
   */
  public SchemaValidator(ApiSchema schema, boolean convertStrings) {
    this.schema = requireNonNull(schema, "schema");
    this.convertStrings = convertStrings;
  }

  /** A validator of the bundled schema, {@link ApiSchema#vdsm()}. */
  public static SchemaValidator vdsm() {
    return new SchemaValidator(ApiSchema.vdsm());
  }

  /** The schema checked against. */
  public ApiSchema schema() {
    return schema;
  }

  /**
   * Checks and normalizes a request's params.
   *
   * @param method the method name of the request
   * @param params the params as received: an object (by name), an array (by position), or {@code
   *     null} when the request has none
   */
  public ParamCheck validateParams(String method, JsonElement params) {
    requireNonNull(method, "method");
    Optional<MethodSchema> found = schema.method(method);
    if (found.isEmpty()) {
      return new ParamCheck.Invalid(JsonRpcError.methodNotFound(CheckMessages.shorten(method)));
    }
    MethodSchema m = found.get();
    List<String> problems = new ArrayList<>();
    JsonObject named = new JsonObject();
    if (params == null || params.isJsonNull()) {
      // no params: every parameter omitted
    } else if (params.isJsonArray()) {
      JsonArray array = params.getAsJsonArray();
      if (array.size() > m.params().size()) {
        problems.add(
            "too many positional parameters: " + array.size() + " given, at most " + m.params().size() + " expected");
      }
      for (int i = 0; i < array.size() && i < m.params().size(); i++) {
        named.add(m.params().get(i).name(), array.get(i));
      }
    } else if (params.isJsonObject()) {
      named = params.getAsJsonObject();
      for (String name : named.keySet()) {
        if (m.param(name).isEmpty() && problems.size() < MAX_PARAM_PROBLEMS) {
          problems.add("unknown parameter " + quote(name));
        }
      }
    } else {
      problems.add("params must be an object or an array, got " + CheckMessages.kindOf(params));
    }

    JsonObject normalized = new JsonObject();
    TypeChecker checker = new TypeChecker(Mode.PARAMS, SchemaValidator::paramLabel, problems, MAX_PARAM_PROBLEMS);
    for (Param param : m.params()) {
      JsonElement value = named.get(param.name());
      if (value == null || value.isJsonNull()) {
        if (param.optional()) {
          normalized.add(param.name(), param.defaultValue());
          continue;
        }
        if (value == null) {
          if (problems.size() < MAX_PARAM_PROBLEMS) {
            problems.add("missing required parameter " + quote(param.name()) + " (" + CheckMessages.expected(param.type()) + ")");
          }
          continue;
        }
      }
      if (convertStrings) {
        value = convert(method, param, value);
      }
      checker.check(param.type(), value, param.name(), CheckMessages.isSensitive(param.name()));
      normalized.add(param.name(), value);
    }
    if (!problems.isEmpty()) {
      List<String> shown = problems.size() > MAX_PARAM_PROBLEMS ? problems.subList(0, MAX_PARAM_PROBLEMS) : problems;
      return new ParamCheck.Invalid(JsonRpcError.invalidParams(method + ": " + String.join("; ", shown)));
    }
    return new ParamCheck.Valid(m, normalized);
  }

  /**
   * Lists what is wrong with a method's result (strict: undeclared members are reported unless the
   * type allows them). A method without a declared result must answer {@code true}.
   *
   * @param method the method that produced the result
   * @param result the {@code result} member of the response
   * @return the violations, each prefixed with the method name; empty when the result fits
   */
  public List<String> validateResult(String method, JsonElement result) {
    requireNonNull(method, "method");
    Optional<MethodSchema> found = schema.method(method);
    if (found.isEmpty()) {
      return List.of("unknown method " + quote(method));
    }
    MethodSchema m = found.get();
    List<String> violations = new ArrayList<>();
    if (m.returns() == null) {
      boolean isTrue =
          result != null && result.isJsonPrimitive() && result.getAsJsonPrimitive().isBoolean() && result.getAsBoolean();
      if (!isTrue) {
        violations.add(method + ": result must be true (the method returns nothing), got " + CheckMessages.kindOf(result));
      }
      return violations;
    }
    new TypeChecker(Mode.STRICT, path -> method + ": " + path, violations, MAX_VIOLATIONS)
        .check(m.returns().type(), result, "result", false);
    return violations;
  }

  /**
   * Lists what is wrong with an event (strict). The event is found by the {@code |category|event|}
   * part of its method; the object id part must be present and is otherwise free.
   *
   * @param eventMethod the notification method, e.g. {@code |virt|VM_status|<vmId>}
   * @param params the notification params
   * @return the violations, each prefixed with the event method; empty when the event fits
   */
  public List<String> validateEvent(String eventMethod, JsonElement params) {
    requireNonNull(eventMethod, "eventMethod");
    String[] parts = eventMethod.split("\\|", -1);
    if (parts.length != 4 || parts[1].isEmpty() || parts[2].isEmpty()) {
      return List.of(quote(eventMethod) + " is not an event method |category|event|id");
    }
    if (parts[3].isEmpty()) {
      return List.of(quote(eventMethod) + " has no object id after |" + parts[1] + "|" + parts[2] + "|");
    }
    Optional<EventSchema> found = schema.event(eventMethod);
    if (found.isEmpty()) {
      return List.of("unknown event |" + parts[1] + "|" + parts[2] + "|");
    }
    List<String> violations = new ArrayList<>();
    new TypeChecker(Mode.STRICT, path -> eventMethod + ": " + path, violations, MAX_VIOLATIONS)
        .check(found.get().params(), params, "params", false);
    return violations;
  }

  private static JsonElement convert(String method, Param param, JsonElement value) {
    JsonElement converted = ScalarStrings.convert(param.type(), value);
    if (converted != value && log.isDebugEnabled()) {
      log.debug("{}: parameter '{}' sent as the string {}, taken as {} {}", method, param.name(),
          CheckMessages.isSensitive(param.name()) ? "(hidden)" : value, CheckMessages.expected(param.type()),
          CheckMessages.isSensitive(param.name()) ? "" : converted);
    }
    return converted;
  }

  private static String paramLabel(String path) {
    return "parameter '" + path + "'";
  }

  private static String quote(String name) {
    return "'" + CheckMessages.shorten(name) + "'";
  }

  @Override
  public String toString() {
    return "SchemaValidator[" + schema + "]";
  }
}

package org.ovirt.vdsm.messaging.server.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;

/**
 * Reads named parameters, answering -32602 with a message naming the parameter when one is missing
 * or has the wrong type. An explicit JSON {@code null} counts as absent. Like VDSM, numbers are
 * accepted as JSON numbers or as decimal strings, booleans as JSON booleans or "true"/"false".
 */
final class Params {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Params() {}

  static JsonElement get(JsonObject params, String name) {
    JsonElement e = params.get(name);
    return e == null || e.isJsonNull() ? null : e;
  }

  static String requiredString(JsonObject params, String name) throws ApiException {
    return optionalString(params, name)
        .orElseThrow(() -> VdsmErrors.invalidParams("missing required parameter '" + name + "'"));
  }

  static Optional<String> optionalString(JsonObject params, String name) throws ApiException {
    JsonElement e = get(params, name);
    if (e == null) {
      return Optional.empty();
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw VdsmErrors.invalidParams("'" + name + "' must be a string");
    }
    return Optional.of(e.getAsString());
  }

  /** A UUID string, e.g. a VM, task or storage domain id; kept exactly as sent. */
  static String requiredUuid(JsonObject params, String name) throws ApiException {
    String s = requiredString(params, name);
    if (!isUuid(s)) {
      throw VdsmErrors.invalidParams("'" + name + "' must be a UUID, got '" + abbreviate(s) + "'");
    }
    return s;
  }

  static boolean isUuid(String s) {
    return UUID.matcher(s).matches();
  }

  static boolean optionalBoolean(JsonObject params, String name, boolean dflt) throws ApiException {
    JsonElement e = get(params, name);
    if (e == null) {
      return dflt;
    }
    if (e.isJsonPrimitive()) {
      JsonPrimitive p = e.getAsJsonPrimitive();
      if (p.isBoolean()) {
        return p.getAsBoolean();
      }
      if (p.isString()) {
        String s = p.getAsString().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
          return Boolean.parseBoolean(s);
        }
      }
    }
    throw VdsmErrors.invalidParams("'" + name + "' must be a boolean");
  }

  /** An integer given as a JSON number or a decimal string. */
  static OptionalLong optionalLong(JsonObject params, String name) throws ApiException {
    JsonElement e = get(params, name);
    return e == null ? OptionalLong.empty() : OptionalLong.of(asLong(e, name));
  }

  static long asLong(JsonElement e, String name) throws ApiException {
    if (e.isJsonPrimitive() && (e.getAsJsonPrimitive().isNumber() || e.getAsJsonPrimitive().isString())) {
      try {
        return new java.math.BigDecimal(e.getAsString().strip()).longValueExact();
      } catch (ArithmeticException | NumberFormatException ex) {
        // fall through
      }
    }
    throw VdsmErrors.invalidParams("'" + name + "' must be an integer");
  }

  static long optionalNonNegative(JsonObject params, String name, long dflt) throws ApiException {
    OptionalLong v = optionalLong(params, name);
    if (v.isPresent() && v.getAsLong() < 0) {
      throw VdsmErrors.invalidParams("'" + name + "' must be >= 0");
    }
    return v.orElse(dflt);
  }

  static JsonObject requiredObject(JsonObject params, String name) throws ApiException {
    JsonElement e = get(params, name);
    if (e == null) {
      throw VdsmErrors.invalidParams("missing required parameter '" + name + "'");
    }
    if (!e.isJsonObject()) {
      throw VdsmErrors.invalidParams("'" + name + "' must be an object");
    }
    return e.getAsJsonObject();
  }

  static JsonArray requiredArray(JsonObject params, String name) throws ApiException {
    JsonElement e = get(params, name);
    if (e == null) {
      throw VdsmErrors.invalidParams("missing required parameter '" + name + "'");
    }
    if (!e.isJsonArray()) {
      throw VdsmErrors.invalidParams("'" + name + "' must be an array");
    }
    return e.getAsJsonArray();
  }

  /** A list of strings; absent means empty. */
  static List<String> optionalStringList(JsonObject params, String name) throws ApiException {
    JsonElement e = get(params, name);
    if (e == null) {
      return List.of();
    }
    if (!e.isJsonArray()) {
      throw VdsmErrors.invalidParams("'" + name + "' must be an array of strings");
    }
    List<String> values = new ArrayList<>();
    for (JsonElement item : e.getAsJsonArray()) {
      if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
        throw VdsmErrors.invalidParams("'" + name + "' must be an array of strings");
      }
      values.add(item.getAsString());
    }
    return values;
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}

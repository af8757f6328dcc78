package org.ovirt.vdsm.messaging.schema;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.util.stream.Collectors;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Alias;
import org.ovirt.vdsm.messaging.schema.TypeSchema.EnumType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ListType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Primitive;
import org.ovirt.vdsm.messaging.schema.TypeSchema.UnionType;

/**
 * How the schema checks word their messages: what a type expects ({@code a string (UUID)}), the
 * JSON kind of a value, a short rendering of a value (never of a sensitive one), member paths
 * ({@code vmParams.devices[0].type}, {@code path["na.me"]}) and peer-supplied names shortened.
 */
final class CheckMessages {
  private static final int MAX_SHOWN = 40;
  private static final int MAX_ENUM_VALUES_SHOWN = 12;

  private CheckMessages() {}

  /** How a value of the type is named in messages: "a string (UUID)", "one of VmStatus ('Up', ...)". */
  static String expected(TypeSchema type) {
    if (type instanceof Primitive p) {
      return p.kind().phrase();
    }
    if (type instanceof Alias a) {
      TypeSchema resolved = a.resolved();
      String base =
          resolved instanceof Primitive p
              ? p.kind().phrase()
              : resolved instanceof ListType ? "a list" : resolved instanceof EnumType ? "a value" : "an object";
      return base + " (" + a.name() + ")";
    }
    if (type instanceof EnumType e) {
      String values =
          e.values().stream()
              .limit(MAX_ENUM_VALUES_SHOWN)
              .map(Object::toString)
              .collect(Collectors.joining(", "));
      return "one of " + e.name() + " (" + values + (e.values().size() > MAX_ENUM_VALUES_SHOWN ? ", ..." : "") + ")";
    }
    if (type instanceof ListType l) {
      return "a list of " + l.element().name();
    }
    if (type instanceof UnionType u) {
      return "one of "
          + u.name()
          + " ("
          + u.alternatives().stream().map(TypeSchema::name).collect(Collectors.joining(", "))
          + ")";
    }
    return "an object (" + type.name() + ")";
  }

  /** The JSON kind of a value: object, array, string, number, boolean or null. */
  static String kindOf(JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return "null";
    }
    if (value.isJsonObject()) {
      return "object";
    }
    if (value.isJsonArray()) {
      return "array";
    }
    JsonPrimitive p = value.getAsJsonPrimitive();
    return p.isString() ? "string" : p.isNumber() ? "number" : "boolean";
  }

  /** A short rendering of a primitive value, or its kind when sensitive or not a primitive. */
  static String show(JsonElement value, boolean sensitive) {
    if (sensitive || !value.isJsonPrimitive()) {
      return kindOf(value);
    }
    JsonPrimitive p = value.getAsJsonPrimitive();
    String text = p.getAsString();
    if (text.length() > MAX_SHOWN) {
      text = text.substring(0, MAX_SHOWN) + "...";
    }
    return p.isString() ? "'" + text + "'" : text;
  }

  /** Members whose values never appear in messages (house rule: no passwords in logs). */
  static boolean isSensitive(String memberName) {
    return memberName.equalsIgnoreCase("password") || memberName.startsWith("_X_");
  }

  /** A peer-supplied name shortened for messages. */
  static String shorten(String text) {
    return text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
  }

  /**
   * The path of a member: {@code path.name}, or {@code path["na.me"]} when the name needs quoting;
   * long names are shortened.
   */
  static String child(String path, String fullName) {
    String name = shorten(fullName);
    boolean plain = !name.isEmpty();
    for (int i = 0; i < name.length() && plain; i++) {
      char c = name.charAt(i);
      plain = c > ' ' && c != '.' && c != '[' && c != ']' && c != '"' && c != '\'' && c < 0x7f;
    }
    if (plain) {
      return path + "." + name;
    }
    StringBuilder quoted = new StringBuilder(path).append("[\"");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < ' ') {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append("\"]").toString();
  }
}

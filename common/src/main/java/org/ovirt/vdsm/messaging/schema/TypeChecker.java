package org.ovirt.vdsm.messaging.schema;

import static org.ovirt.vdsm.messaging.schema.CheckMessages.child;
import static org.ovirt.vdsm.messaging.schema.CheckMessages.expected;
import static org.ovirt.vdsm.messaging.schema.CheckMessages.isSensitive;
import static org.ovirt.vdsm.messaging.schema.CheckMessages.kindOf;
import static org.ovirt.vdsm.messaging.schema.CheckMessages.show;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Alias;
import org.ovirt.vdsm.messaging.schema.TypeSchema.EnumType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ListType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.MapType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ObjectType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Primitive;
import org.ovirt.vdsm.messaging.schema.TypeSchema.PrimitiveKind;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Property;
import org.ovirt.vdsm.messaging.schema.TypeSchema.UnionType;

/**
 * Checks a JSON value against a type and collects one message per violation, up to a limit, worded
 * by {@link CheckMessages}. Not thread-safe: one instance per check.
 *
 * <p>Messages name the spot with a path ({@code vmParams.devices[0].type}) passed through a label
 * function ({@code parameter 'vmParams.devices[0].type'}). Values are echoed only where the kind is
 * right but the value is not (an enum, a pattern, a range), never under a member named {@code
 * password} or starting with {@code _X_}.
 */
final class TypeChecker {

  /** How strict the check is; see {@link TypeSchema.Extra}. */
  enum Mode {
    /** Request params: undeclared members of objects are refused only when the type forbids them. */
    PARAMS,
    /** Results and events: undeclared members are reported unless the type allows them. */
    STRICT
  }

  private static final int UNION_TRIAL_LIMIT = 8;
  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private final Mode mode;
  private final UnaryOperator<String> label;
  private final List<String> out;
  private final int limit;

  TypeChecker(Mode mode, UnaryOperator<String> label, List<String> out, int limit) {
    this.mode = mode;
    this.label = label;
    this.out = out;
    this.limit = limit;
  }

  boolean full() {
    return out.size() >= limit;
  }

  /** Checks a present value; {@code null} (Java) is treated as JSON null. */
  void check(TypeSchema type, JsonElement value, String path, boolean sensitive) {
    if (full()) {
      return;
    }
    if (value == null || value.isJsonNull()) {
      if (!(type.resolved() instanceof Primitive p && p.kind() == PrimitiveKind.ANY)) {
        report(path, "must be " + expected(type) + ", got null");
      }
      return;
    }
    if (type instanceof Primitive primitive) {
      checkPrimitive(primitive.kind(), expected(type), value, path, sensitive);
    } else if (type instanceof Alias alias) {
      checkAlias(alias, value, path, sensitive);
    } else if (type instanceof EnumType enumType) {
      if (!enumType.contains(value)) {
        report(path, "must be " + expected(type) + ", got " + show(value, sensitive));
      }
    } else if (type instanceof ObjectType object) {
      checkObject(object, value, path, sensitive);
    } else if (type instanceof MapType map) {
      checkMap(map, value, path, sensitive);
    } else if (type instanceof ListType list) {
      if (!value.isJsonArray()) {
        report(path, "must be " + expected(type) + ", got " + kindOf(value));
        return;
      }
      JsonArray array = value.getAsJsonArray();
      for (int i = 0; i < array.size() && !full(); i++) {
        check(list.element(), array.get(i), path + "[" + i + "]", sensitive);
      }
    } else if (type instanceof UnionType union) {
      checkUnion(union, value, path, sensitive);
    }
  }

  private void checkPrimitive(
      PrimitiveKind kind, String expected, JsonElement value, String path, boolean sensitive) {
    switch (kind) {
      case ANY -> {}
      case STRING -> {
        if (!isString(value)) {
          report(path, "must be " + expected + ", got " + kindOf(value));
        }
      }
      case BOOLEAN -> {
        if (!(value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean())) {
          report(path, "must be " + expected + ", got " + kindOf(value));
        }
      }
      case FLOAT -> {
        if (!isNumber(value)) {
          report(path, "must be " + expected + ", got " + kindOf(value));
        } else if (!Double.isFinite(value.getAsDouble())) {
          report(path, "must be " + expected + ", got " + show(value, sensitive) + " (out of the range of a double)");
        }
      }
      case INT, LONG -> {
        if (!isNumber(value)) {
          report(path, "must be " + expected + ", got " + kindOf(value));
          return;
        }
        BigDecimal number;
        try {
          number = value.getAsBigDecimal();
        } catch (NumberFormatException e) {
          report(path, "must be " + expected + ", got a number out of range");
          return;
        }
        if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
          report(path, "must be " + expected + ", got " + show(value, sensitive) + " (not integral)");
          return;
        }
        BigDecimal min = kind == PrimitiveKind.INT ? INT_MIN : LONG_MIN;
        BigDecimal max = kind == PrimitiveKind.INT ? INT_MAX : LONG_MAX;
        if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
          report(path, "must be " + expected + ", got " + show(value, sensitive) + " (out of range)");
        }
      }
    }
  }

  private void checkAlias(Alias alias, JsonElement value, String path, boolean sensitive) {
    TypeSchema resolved = alias.resolved();
    if (!(resolved instanceof Primitive primitive)) {
      check(alias.target(), value, path, sensitive);
      return;
    }
    int before = out.size();
    checkPrimitive(primitive.kind(), expected(alias), value, path, sensitive);
    if (out.size() > before) {
      return;
    }
    for (TypeSchema t = alias; t instanceof Alias a; t = a.target()) {
      if (a.pattern() != null && !a.pattern().matcher(value.getAsString()).matches()) {
        report(path, "must be " + expected(alias) + ", got " + show(value, sensitive));
        return;
      }
    }
  }

  private void checkObject(ObjectType object, JsonElement value, String path, boolean sensitive) {
    if (!value.isJsonObject()) {
      report(path, "must be " + expected(object) + ", got " + kindOf(value));
      return;
    }
    JsonObject json = value.getAsJsonObject();
    for (Property property : object.properties().values()) {
      if (full()) {
        return;
      }
      String childPath = child(path, property.name());
      JsonElement member = json.get(property.name());
      if (member == null) {
        if (!property.optional()) {
          report(childPath, "is missing: expected " + expected(property.type()));
        }
      } else if (!(member.isJsonNull() && property.optional())) {
        check(property.type(), member, childPath, sensitive || isSensitive(property.name()));
      }
    }
    for (Map.Entry<String, JsonElement> member : json.entrySet()) {
      if (full()) {
        return;
      }
      String name = member.getKey();
      if (object.properties().containsKey(name)) {
        continue;
      }
      String childPath = child(path, name);
      if (object.entries() != null) {
        if (checkKey(object.entries().key(), name, path)) {
          check(object.entries().value(), member.getValue(), childPath, sensitive || isSensitive(name));
        }
      } else if (object.extra() == TypeSchema.Extra.FORBID
          || (object.extra() == TypeSchema.Extra.REPORT && mode == Mode.STRICT)) {
        report(childPath, "is not declared in " + object.name());
      }
    }
  }

  private void checkMap(MapType map, JsonElement value, String path, boolean sensitive) {
    if (!value.isJsonObject()) {
      report(path, "must be " + expected(map) + ", got " + kindOf(value));
      return;
    }
    for (Map.Entry<String, JsonElement> member : value.getAsJsonObject().entrySet()) {
      if (full()) {
        return;
      }
      if (checkKey(map.key(), member.getKey(), path)) {
        check(map.value(), member.getValue(), child(path, member.getKey()), sensitive || isSensitive(member.getKey()));
      }
    }
  }

  /** Checks a member name against a key type; reports and answers false when it does not fit. */
  private boolean checkKey(TypeSchema keyType, String key, String path) {
    List<String> problems = new ArrayList<>();
    new TypeChecker(mode, p -> p, problems, 1).check(keyType, new JsonPrimitive(key), "key", false);
    if (problems.isEmpty()) {
      return true;
    }
    report(path, "has a key that must be " + expected(keyType) + ", got " + show(new JsonPrimitive(key), false));
    return false;
  }

  private void checkUnion(UnionType union, JsonElement value, String path, boolean sensitive) {
    List<String> closest = null;
    TypeSchema closestType = null;
    boolean closestFits = false;
    for (TypeSchema alternative : union.alternatives()) {
      List<String> problems = new ArrayList<>();
      new TypeChecker(mode, p -> p, problems, UNION_TRIAL_LIMIT).check(alternative, value, path, sensitive);
      if (problems.isEmpty()) {
        return;
      }
      boolean fits = kindFits(alternative, value);
      if (closest == null
          || (fits && !closestFits)
          || (fits == closestFits && problems.size() < closest.size())) {
        closest = problems;
        closestType = alternative;
        closestFits = fits;
      }
    }
    String first = closest.get(0);
    if (!closestFits || (closest.size() == 1 && first.startsWith(path + " must be "))) {
      // the value itself is wrong, not something inside it
      report(path, "must be " + expected(union) + ", got " + show(value, sensitive));
      return;
    }
    report(
        path,
        "must be "
            + expected(union)
            + ", but as "
            + closestType.name()
            + ": "
            + first
            + (closest.size() > 1 ? " (and " + (closest.size() - 1) + " more)" : ""));
  }

  private void report(String path, String problem) {
    if (!full()) {
      out.add(label.apply(path) + " " + problem);
    }
  }

  /** Whether the JSON kind of the value is one the type accepts, whatever the details. */
  private static boolean kindFits(TypeSchema type, JsonElement value) {
    TypeSchema t = type.resolved();
    if (t instanceof Primitive p) {
      return switch (p.kind()) {
        case ANY -> true;
        case STRING -> isString(value);
        case BOOLEAN -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
        case INT, LONG, FLOAT -> isNumber(value);
      };
    }
    if (t instanceof EnumType) {
      return value.isJsonPrimitive();
    }
    if (t instanceof ObjectType || t instanceof MapType) {
      return value.isJsonObject();
    }
    if (t instanceof ListType) {
      return value.isJsonArray();
    }
    if (t instanceof UnionType u) {
      return u.alternatives().stream().anyMatch(a -> kindFits(a, value));
    }
    return false;
  }

  private static boolean isString(JsonElement value) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
  }

  private static boolean isNumber(JsonElement value) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber();
  }
}

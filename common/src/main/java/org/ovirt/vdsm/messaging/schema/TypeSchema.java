package org.ovirt.vdsm.messaging.schema;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A type of the host API schema. Every type but {@link ListType} and {@link Primitive} is declared
 * by name in the schema document; a list is written {@code [Element]} where a type is expected.
 * Types are immutable and never recursive (the loader refuses cycles).
 */
public sealed interface TypeSchema
    permits TypeSchema.Primitive,
        TypeSchema.Alias,
        TypeSchema.EnumType,
        TypeSchema.ObjectType,
        TypeSchema.MapType,
        TypeSchema.ListType,
        TypeSchema.UnionType {

  /** The name used to refer to this type in the schema ({@code UUID}, {@code int}, {@code [UUID]}). */
  String name();

  /** What the type means, for people. */
  String description();

  /** This type with aliases followed to the type they stand for. */
  default TypeSchema resolved() {
    TypeSchema t = this;
    while (t instanceof Alias alias) {
      t = alias.target();
    }
    return t;
  }

  /** The built-in types. */
  enum PrimitiveKind {
    /** A JSON string. */
    STRING("string", "a string"),
    /** A JSON number with an integral value that fits 32 bits (signed). */
    INT("int", "an int"),
    /** A JSON number with an integral value that fits 64 bits (signed). */
    LONG("long", "a long"),
    /** Any JSON number, integral or not. */
    FLOAT("float", "a number"),
    /** {@code true} or {@code false}. */
    BOOLEAN("boolean", "a boolean"),
    /** Any JSON value, {@code null} included; not checked further. */
    ANY("any", "any value");

    private final String keyword;
    private final String phrase;

    PrimitiveKind(String keyword, String phrase) {
      this.keyword = keyword;
      this.phrase = phrase;
    }

    /** The name used in the schema document. */
    public String keyword() {
      return keyword;
    }

    /** How an expected value of this kind is named in messages ("an int"). */
    public String phrase() {
      return phrase;
    }

    /** The kind with this keyword, if any. */
    public static Optional<PrimitiveKind> byKeyword(String keyword) {
      for (PrimitiveKind k : values()) {
        if (k.keyword.equals(keyword)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** A built-in type: {@code string}, {@code int}, {@code long}, {@code float}, {@code boolean}, {@code any}. */
  record Primitive(PrimitiveKind kind) implements TypeSchema {
    public static final Primitive STRING = new Primitive(PrimitiveKind.STRING);
    public static final Primitive INT = new Primitive(PrimitiveKind.INT);
    public static final Primitive LONG = new Primitive(PrimitiveKind.LONG);
    public static final Primitive FLOAT = new Primitive(PrimitiveKind.FLOAT);
    public static final Primitive BOOLEAN = new Primitive(PrimitiveKind.BOOLEAN);
    public static final Primitive ANY = new Primitive(PrimitiveKind.ANY);

    public Primitive {
      requireNonNull(kind, "kind");
    }

    /** The shared instance of a kind. */
    public static Primitive of(PrimitiveKind kind) {
      return switch (requireNonNull(kind, "kind")) {
        case STRING -> STRING;
        case INT -> INT;
        case LONG -> LONG;
        case FLOAT -> FLOAT;
        case BOOLEAN -> BOOLEAN;
        case ANY -> ANY;
      };
    }

    @Override
    public String name() {
      return kind.keyword();
    }

    @Override
    public String description() {
      return "Built-in: " + kind.phrase() + ".";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * Another name for a type, optionally narrowed by a regular expression that the whole string must
   * match (only for aliases of strings), e.g. {@code UUID}.
   *
   * @param pattern the pattern, or {@code null} when the alias does not narrow its target
   */
  record Alias(String name, String description, TypeSchema target, Pattern pattern)
      implements TypeSchema {
    public Alias {
      requireNonNull(name, "name");
      requireNonNull(description, "description");
      requireNonNull(target, "target");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Alias a
          && name.equals(a.name)
          && description.equals(a.description)
          && target.equals(a.target)
          && (pattern == null ? a.pattern == null : a.pattern != null && pattern.pattern().equals(a.pattern.pattern()));
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + target.hashCode();
    }

    @Override
    public String toString() {
      return name + " (alias of " + target.name() + (pattern == null ? "" : " matching " + pattern.pattern()) + ")";
    }
  }

  /**
   * One of a fixed set of values, strings or integers.
   *
   * @param values the allowed values in schema order
   */
  record EnumType(String name, String description, List<EnumValue> values) implements TypeSchema {
    public EnumType {
      requireNonNull(name, "name");
      requireNonNull(description, "description");
      values = List.copyOf(values);
    }

    /** Whether the JSON value is one of the allowed values (an integer value matches 4 and 4.0). */
    public boolean contains(JsonElement value) {
      if (value == null || !value.isJsonPrimitive()) {
        return false;
      }
      for (EnumValue v : values) {
        if (v.matches(value.getAsJsonPrimitive())) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return name + " (enum " + values + ")";
    }
  }

  /**
   * An allowed value of an {@link EnumType}.
   *
   * @param value a JSON string or an integral JSON number
   * @param description what the value means
   */
  record EnumValue(JsonPrimitive value, String description) {
    public EnumValue {
      requireNonNull(value, "value");
      requireNonNull(description, "description");
      if (!value.isString() && !value.isNumber()) {
        throw new IllegalArgumentException("an enum value is a string or a number: " + value);
      }
    }

    boolean matches(JsonPrimitive candidate) {
      if (value.isString()) {
        return candidate.isString() && value.getAsString().equals(candidate.getAsString());
      }
      if (!candidate.isNumber()) {
        return false;
      }
      try {
        return value.getAsBigDecimal().compareTo(candidate.getAsBigDecimal()) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return value.isString() ? "'" + value.getAsString() + "'" : value.getAsBigDecimal().toPlainString();
    }
  }

  /** What an {@link ObjectType} does with members it does not declare (and that {@code entries} do not cover). */
  enum Extra {
    /** Unknown members are refused in params and reported in results and events. */
    FORBID("forbid"),
    /**
     * The default: unknown members are accepted in params (clients send more than the host reads)
     * but reported by strict validation of results and events, so that code and schema cannot
     * drift apart unnoticed.
     */
    REPORT("report"),
    /** Unknown members are always accepted: the object carries free-form data (a VM definition). */
    ALLOW("allow");

    private final String keyword;

    Extra(String keyword) {
      this.keyword = keyword;
    }

    /** The name used in the schema document. */
    public String keyword() {
      return keyword;
    }

    /** The policy with this keyword, if any. */
    public static Optional<Extra> byKeyword(String keyword) {
      for (Extra e : values()) {
        if (e.keyword.equals(keyword)) {
          return Optional.of(e);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * A JSON object with declared members.
   *
   * @param properties the declared members by name, in schema order
   * @param extra what happens to members that are neither declared nor covered by {@code entries}
   * @param entries the key and value types of members that are not declared (an object that is
   *     partly a map, like the params of {@code |virt|VM_status|}), or {@code null}
   */
  record ObjectType(
      String name, String description, Map<String, Property> properties, Extra extra, Entries entries)
      implements TypeSchema {
    public ObjectType {
      requireNonNull(name, "name");
      requireNonNull(description, "description");
      requireNonNull(extra, "extra");
      properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** The declared member with this name, if any. */
    public Optional<Property> property(String memberName) {
      return Optional.ofNullable(properties.get(memberName));
    }

    @Override
    public String toString() {
      return name + " (object " + properties.values() + ", extra " + extra.keyword()
          + (entries == null ? "" : ", entries " + entries.key().name() + " -> " + entries.value().name()) + ")";
    }
  }

  /**
   * A declared member of an {@link ObjectType}. An optional member may be absent or {@code null}.
   *
   * @param defaultValue what the host assumes when an optional member is absent ({@link JsonNull}
   *     when nothing is assumed); documentation only: it is not inserted into nested objects
   */
  record Property(
      String name, TypeSchema type, String description, boolean optional, JsonElement defaultValue) {
    public Property {
      requireNonNull(name, "name");
      requireNonNull(type, "type");
      requireNonNull(description, "description");
      defaultValue = defaultValue == null ? JsonNull.INSTANCE : defaultValue.deepCopy();
    }

    /** A copy of the default value. */
    @Override
    public JsonElement defaultValue() {
      return defaultValue.deepCopy();
    }

    @Override
    public String toString() {
      return name + (optional ? "?" : "") + ": " + type.name();
    }
  }

  /**
   * The key and value types of the undeclared members of an {@link ObjectType}.
   *
   * @param key a type of strings (a string, an alias of a string or an enum of strings)
   */
  record Entries(TypeSchema key, TypeSchema value) {
    public Entries {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
    }
  }

  /**
   * A JSON object used as a map: every member has a key of {@code key} type and a value of {@code
   * value} type.
   *
   * @param key a type of strings (a string, an alias of a string or an enum of strings)
   */
  record MapType(String name, String description, TypeSchema key, TypeSchema value)
      implements TypeSchema {
    public MapType {
      requireNonNull(name, "name");
      requireNonNull(description, "description");
      requireNonNull(key, "key");
      requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return name + " (map " + key.name() + " -> " + value.name() + ")";
    }
  }

  /** A JSON array whose elements all have the {@code element} type; written {@code [Element]}. */
  record ListType(TypeSchema element) implements TypeSchema {
    public ListType {
      requireNonNull(element, "element");
    }

    @Override
    public String name() {
      return "[" + element.name() + "]";
    }

    @Override
    public String description() {
      return "A list of " + element.name() + ".";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * A value of any one of the alternatives (tried in order; the first that fits wins).
   *
   * @param alternatives at least two types
   */
  record UnionType(String name, String description, List<TypeSchema> alternatives)
      implements TypeSchema {
    public UnionType {
      requireNonNull(name, "name");
      requireNonNull(description, "description");
      alternatives = List.copyOf(alternatives);
    }

    @Override
    public String toString() {
      return name + " (union " + alternatives.stream().map(TypeSchema::name).toList() + ")";
    }
  }
}

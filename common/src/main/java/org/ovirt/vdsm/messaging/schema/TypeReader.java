package org.ovirt.vdsm.messaging.schema;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Alias;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Entries;
import org.ovirt.vdsm.messaging.schema.TypeSchema.EnumType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.EnumValue;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Extra;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ListType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.MapType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ObjectType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Primitive;
import org.ovirt.vdsm.messaging.schema.TypeSchema.PrimitiveKind;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Property;
import org.ovirt.vdsm.messaging.schema.TypeSchema.UnionType;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The types of one schema document, read from its YAML nodes for the {@link SchemaReader}: the
 * {@code types} section (alias, enum, object, map and union declarations), type references (a name
 * or {@code [Element]}) and members (properties and parameters, with defaults checked against
 * their type). A named type is built on first use, so declarations may come in any order; unknown
 * names and cycles are refused, naming the line.
 */
final class TypeReader {
  private static final Set<String> ALIAS_KEYS = Set.of("kind", "description", "of", "pattern");
  private static final Set<String> ENUM_KEYS = Set.of("kind", "description", "values");
  private static final Set<String> OBJECT_KEYS = Set.of("kind", "description", "properties", "extra", "entries");
  private static final Set<String> MAP_KEYS = Set.of("kind", "description", "key", "value");
  private static final Set<String> UNION_KEYS = Set.of("kind", "description", "of");
  private static final Set<String> ENTRIES_KEYS = Set.of("key", "value");
  private static final Set<String> MEMBER_KEYS = Set.of("name", "type", "description", "optional", "default");

  private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private final SchemaNodes nodes;
  private final Map<String, Node> typeNodes = new LinkedHashMap<>();
  private final Map<String, TypeSchema> types = new LinkedHashMap<>();
  private final Set<String> resolving = new LinkedHashSet<>();

  TypeReader(SchemaNodes nodes) {
    this.nodes = nodes;
  }

  /**
   * Reads the {@code types} section: every declaration, in document order.
   *
   * @param section the section's node, {@code null} when the document has none
   */
  Map<String, TypeSchema> declarations(Node section) {
    if (section != null) {
      for (Map.Entry<String, Node> e : nodes.mapping(section, "types").entrySet()) {
        String name = e.getKey();
        if (!TYPE_NAME.matcher(name).matches()) {
          throw nodes.error(e.getValue(), "type " + name, "a type name is a letter followed by letters, digits or '_'");
        }
        if (PrimitiveKind.byKeyword(name).isPresent()) {
          throw nodes.error(e.getValue(), "type " + name, "'" + name + "' is a built-in type and cannot be declared");
        }
        typeNodes.put(name, e.getValue());
      }
    }
    Map<String, TypeSchema> declared = new LinkedHashMap<>();
    for (String name : typeNodes.keySet()) {
      declared.put(name, named(name, typeNodes.get(name), "types"));
    }
    return declared;
  }

  /** The named type, built on first use; refuses unknown names and cycles. */
  private TypeSchema named(String name, Node reference, String where) {
    Optional<PrimitiveKind> primitive = PrimitiveKind.byKeyword(name);
    if (primitive.isPresent()) {
      return Primitive.of(primitive.get());
    }
    TypeSchema done = types.get(name);
    if (done != null) {
      return done;
    }
    Node node = typeNodes.get(name);
    if (node == null) {
      throw nodes.error(reference, where, "unknown type '" + name + "'");
    }
    if (!resolving.add(name)) {
      List<String> chain = new ArrayList<>(resolving);
      chain = chain.subList(chain.indexOf(name), chain.size());
      throw nodes.error(reference, where, "type '" + name + "' refers to itself: " + String.join(" -> ", chain) + " -> " + name);
    }
    TypeSchema type = declaration(name, node);
    resolving.remove(name);
    types.put(name, type);
    return type;
  }

  /** A type reference: a name, or {@code [Element]} for a list. */
  TypeSchema reference(Node node, String where) {
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
      return named(scalar.getValue(), node, where);
    }
    if (node instanceof SequenceNode sequence) {
      if (sequence.getValue().size() != 1) {
        throw nodes.error(node, where, "a list type is written [Element], with exactly one element type");
      }
      return new ListType(reference(sequence.getValue().get(0), where));
    }
    throw nodes.error(node, where, "a type is a type name or [Element]");
  }

  private TypeSchema declaration(String name, Node node) {
    String where = "type " + name;
    Map<String, Node> fields = nodes.mapping(node, where);
    String kind = nodes.text(nodes.required(fields, "kind", node, where), where + ", kind");
    String description = nodes.description(nodes.required(fields, "description", node, where), where);
    switch (kind) {
      case "alias" -> {
        nodes.checkKeys(fields, ALIAS_KEYS, where);
        TypeSchema target = reference(nodes.required(fields, "of", node, where), where + ", of");
        Pattern pattern = null;
        if (fields.containsKey("pattern")) {
          Node patternNode = fields.get("pattern");
          if (!(target.resolved() instanceof Primitive p && p.kind() == PrimitiveKind.STRING)) {
            throw nodes.error(patternNode, where, "a pattern needs an alias of string, not of " + target.name());
          }
          try {
            pattern = Pattern.compile(nodes.text(patternNode, where + ", pattern"));
          } catch (PatternSyntaxException e) {
            throw nodes.error(patternNode, where + ", pattern", "not a valid regular expression: " + e.getDescription());
          }
        }
        return new Alias(name, description, target, pattern);
      }
      case "enum" -> {
        nodes.checkKeys(fields, ENUM_KEYS, where);
        return new EnumType(name, description, enumValues(nodes.required(fields, "values", node, where), where));
      }
      case "object" -> {
        nodes.checkKeys(fields, OBJECT_KEYS, where);
        Map<String, Property> properties = new LinkedHashMap<>();
        if (fields.containsKey("properties")) {
          for (Node member : nodes.sequence(fields.get("properties"), where + ", properties")) {
            Property property = property(member, where);
            if (properties.put(property.name(), property) != null) {
              throw nodes.error(member, where, "duplicate property '" + property.name() + "'");
            }
          }
        }
        Extra extra = Extra.REPORT;
        if (fields.containsKey("extra")) {
          String keyword = nodes.text(fields.get("extra"), where + ", extra");
          extra =
              Extra.byKeyword(keyword)
                  .orElseThrow(() -> nodes.error(fields.get("extra"), where + ", extra", "'" + keyword + "' is not forbid, report or allow"));
        }
        Entries entries = null;
        if (fields.containsKey("entries")) {
          Node entriesNode = fields.get("entries");
          if (fields.containsKey("extra")) {
            throw nodes.error(entriesNode, where, "'entries' and 'extra' exclude each other: entries say what the other members are");
          }
          Map<String, Node> entryFields = nodes.mapping(entriesNode, where + ", entries");
          nodes.checkKeys(entryFields, ENTRIES_KEYS, where + ", entries");
          TypeSchema key = stringKey(nodes.required(entryFields, "key", entriesNode, where + ", entries"), where + ", entries key");
          TypeSchema value = reference(nodes.required(entryFields, "value", entriesNode, where + ", entries"), where + ", entries value");
          entries = new Entries(key, value);
        }
        return new ObjectType(name, description, properties, extra, entries);
      }
      case "map" -> {
        nodes.checkKeys(fields, MAP_KEYS, where);
        TypeSchema key = stringKey(nodes.required(fields, "key", node, where), where + ", key");
        TypeSchema value = reference(nodes.required(fields, "value", node, where), where + ", value");
        return new MapType(name, description, key, value);
      }
      case "union" -> {
        nodes.checkKeys(fields, UNION_KEYS, where);
        Node of = nodes.required(fields, "of", node, where);
        List<TypeSchema> alternatives = new ArrayList<>();
        for (Node alternative : nodes.sequence(of, where + ", of")) {
          TypeSchema type = reference(alternative, where + ", of");
          if (alternatives.contains(type)) {
            throw nodes.error(alternative, where, "duplicate alternative " + type.name());
          }
          alternatives.add(type);
        }
        if (alternatives.size() < 2) {
          throw nodes.error(of, where, "a union has at least two alternatives");
        }
        return new UnionType(name, description, alternatives);
      }
      default -> throw nodes.error(fields.get("kind"), where, "unknown kind '" + kind + "' (alias, enum, object, map or union)");
    }
  }

  /** A key type: string, an alias of string, or an enum of strings. */
  private TypeSchema stringKey(Node node, String where) {
    TypeSchema key = reference(node, where);
    TypeSchema resolved = key.resolved();
    boolean ok =
        (resolved instanceof Primitive p && p.kind() == PrimitiveKind.STRING)
            || (resolved instanceof EnumType e && e.values().stream().allMatch(v -> v.value().isString()));
    if (!ok) {
      throw nodes.error(node, where, "JSON object keys are strings: " + key.name() + " cannot be a key type");
    }
    return key;
  }

  private List<EnumValue> enumValues(Node node, String where) {
    if (!(node instanceof MappingNode mapping)) {
      throw nodes.error(node, where + ", values", "expected a mapping of value: description");
    }
    List<EnumValue> values = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalar)) {
        throw nodes.error(keyNode, where, "an enum value is a string or an integer");
      }
      JsonPrimitive value;
      if (scalar.getTag().equals(Tag.STR)) {
        value = new JsonPrimitive(scalar.getValue());
      } else if (scalar.getTag().equals(Tag.INT)) {
        value = new JsonPrimitive(new BigInteger(scalar.getValue()));
      } else {
        throw nodes.error(keyNode, where, "the enum value " + scalar.getValue() + " is neither a string nor an integer (quote it)");
      }
      EnumValue enumValue = new EnumValue(value, nodes.description(tuple.getValueNode(), where + ", value " + scalar.getValue()));
      if (values.stream().anyMatch(v -> v.matches(value))) {
        throw nodes.error(keyNode, where, "duplicate enum value " + enumValue);
      }
      values.add(enumValue);
    }
    if (values.isEmpty()) {
      throw nodes.error(node, where, "an enum has at least one value");
    }
    return values;
  }

  private Property property(Node node, String owner) {
    Member m = member(node, owner, "property");
    return new Property(m.name, m.type, m.description, m.optional, m.defaultValue);
  }

  /** A property or a parameter: name, type, description, optional, default. */
  Member member(Node node, String owner, String what) {
    Map<String, Node> fields = nodes.mapping(node, owner + ", " + what);
    String name = nodes.text(nodes.required(fields, "name", node, owner + ", " + what), owner + ", " + what + " name");
    String where = owner + ", " + what + " '" + name + "'";
    if (!MEMBER_NAME.matcher(name).matches()) {
      throw nodes.error(node, where, "a name is a letter or '_' followed by letters, digits, '_' or '-'");
    }
    nodes.checkKeys(fields, MEMBER_KEYS, where);
    TypeSchema type = reference(nodes.required(fields, "type", node, where), where);
    String description = nodes.description(nodes.required(fields, "description", node, where), where);
    boolean hasDefault = fields.containsKey("default");
    boolean optional = hasDefault;
    if (fields.containsKey("optional")) {
      optional = nodes.bool(fields.get("optional"), where + ", optional");
      if (hasDefault && !optional) {
        throw nodes.error(fields.get("optional"), where, "a " + what + " with a default is optional");
      }
    }
    JsonElement defaultValue = JsonNull.INSTANCE;
    if (hasDefault) {
      defaultValue = nodes.json(fields.get("default"), where + ", default");
      if (!defaultValue.isJsonNull()) {
        List<String> problems = new ArrayList<>();
        new TypeChecker(TypeChecker.Mode.STRICT, p -> p, problems, 1)
            .check(type, defaultValue, "default", CheckMessages.isSensitive(name));
        if (!problems.isEmpty()) {
          throw nodes.error(fields.get("default"), where, problems.get(0));
        }
      }
    }
    return new Member(name, type, description, optional, defaultValue);
  }

  /** A property or a parameter as declared. */
  record Member(String name, TypeSchema type, String description, boolean optional, JsonElement defaultValue) {}
}

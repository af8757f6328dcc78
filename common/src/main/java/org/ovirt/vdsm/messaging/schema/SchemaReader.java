package org.ovirt.vdsm.messaging.schema;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.io.Reader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Param;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Returns;
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
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Reads a schema document (YAML 1.2, JSON schema for scalars: {@code true}, {@code false}, {@code
 * null} in lower case) into an {@link ApiSchema}. Works on the YAML node tree so that every error
 * names its line. One instance per document.
 */
final class SchemaReader {
  private static final Set<String> ROOT_KEYS = Set.of("description", "types", "methods", "events");
  private static final Set<String> ALIAS_KEYS = Set.of("kind", "description", "of", "pattern");
  private static final Set<String> ENUM_KEYS = Set.of("kind", "description", "values");
  private static final Set<String> OBJECT_KEYS = Set.of("kind", "description", "properties", "extra", "entries");
  private static final Set<String> MAP_KEYS = Set.of("kind", "description", "key", "value");
  private static final Set<String> UNION_KEYS = Set.of("kind", "description", "of");
  private static final Set<String> ENTRIES_KEYS = Set.of("key", "value");
  private static final Set<String> MEMBER_KEYS = Set.of("name", "type", "description", "optional", "default");
  private static final Set<String> METHOD_KEYS = Set.of("subsystem", "description", "params", "returns");
  private static final Set<String> RETURNS_KEYS = Set.of("type", "description");
  private static final Set<String> EVENT_KEYS = Set.of("subsystem", "description", "id", "params");

  private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Pattern METHOD_NAME = Pattern.compile("([A-Z][A-Za-z0-9]*)\\.([A-Za-z][A-Za-z0-9_]*)");
  private static final Pattern EVENT_NAME = Pattern.compile("\\|([a-z][a-z0-9_]*)\\|([A-Za-z][A-Za-z0-9_]*)\\|");

  private final String source;
  private final SchemaNodes nodes;
  private final Map<String, Node> typeNodes = new LinkedHashMap<>();
  private final Map<String, TypeSchema> types = new LinkedHashMap<>();
  private final Set<String> resolving = new LinkedHashSet<>();

  private SchemaReader(String source) {
    this.source = source;
    this.nodes = new SchemaNodes(source);
  }

  static ApiSchema read(Reader reader, String source) {
    return new SchemaReader(source).read(reader);
  }

  private ApiSchema read(Reader reader) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setSchema(new JsonSchema())
            .setAllowRecursiveKeys(false)
            .setUseMarks(true)
            .build();
    Node root;
    try {
      root = new Compose(settings).composeReader(reader).orElse(null);
    } catch (YamlEngineException e) {
      throw new SchemaException(source + ": not a valid YAML document: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new SchemaException(source + ": the document is empty");
    }
    Map<String, Node> document = nodes.mapping(root, "document");
    nodes.checkKeys(document, ROOT_KEYS, "document");
    String description =
        document.containsKey("description") ? nodes.description(document.get("description"), "document") : "";

    if (document.containsKey("types")) {
      for (Map.Entry<String, Node> e : nodes.mapping(document.get("types"), "types").entrySet()) {
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

    if (!document.containsKey("methods")) {
      throw nodes.error(root, "document", "no 'methods'");
    }
    Map<String, MethodSchema> methods = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : nodes.mapping(document.get("methods"), "methods").entrySet()) {
      methods.put(e.getKey(), method(e.getKey(), e.getValue()));
    }

    Map<String, EventSchema> events = new LinkedHashMap<>();
    if (document.containsKey("events")) {
      for (Map.Entry<String, Node> e : nodes.mapping(document.get("events"), "events").entrySet()) {
        events.put(e.getKey(), event(e.getKey(), e.getValue()));
      }
    }
    return new ApiSchema(source, description, declared, methods, events);
  }

  // ---- types

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
  private TypeSchema reference(Node node, String where) {
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
  private Member member(Node node, String owner, String what) {
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
            .check(type, defaultValue, "default", TypeChecker.isSensitive(name));
        if (!problems.isEmpty()) {
          throw nodes.error(fields.get("default"), where, problems.get(0));
        }
      }
    }
    return new Member(name, type, description, optional, defaultValue);
  }

  private record Member(String name, TypeSchema type, String description, boolean optional, JsonElement defaultValue) {}

  // ---- methods and events

  private MethodSchema method(String fullName, Node node) {
    String where = "method " + fullName;
    var nameMatch = METHOD_NAME.matcher(fullName);
    if (!nameMatch.matches()) {
      throw nodes.error(node, where, "a method name is Namespace.verb (Namespace capitalized)");
    }
    Map<String, Node> fields = nodes.mapping(node, where);
    nodes.checkKeys(fields, METHOD_KEYS, where);
    Subsystem subsystem = subsystem(nodes.required(fields, "subsystem", node, where), where);
    String description = nodes.description(nodes.required(fields, "description", node, where), where);
    List<Param> params = new ArrayList<>();
    if (fields.containsKey("params")) {
      for (Node paramNode : nodes.sequence(fields.get("params"), where + ", params")) {
        Member m = member(paramNode, where, "parameter");
        if (params.stream().anyMatch(p -> p.name().equals(m.name))) {
          throw nodes.error(paramNode, where, "duplicate parameter '" + m.name + "'");
        }
        params.add(new Param(m.name, m.type, m.description, m.optional, m.defaultValue));
      }
    }
    Returns returns = null;
    if (fields.containsKey("returns")) {
      Node returnsNode = fields.get("returns");
      Map<String, Node> returnFields = nodes.mapping(returnsNode, where + ", returns");
      nodes.checkKeys(returnFields, RETURNS_KEYS, where + ", returns");
      returns =
          new Returns(
              reference(nodes.required(returnFields, "type", returnsNode, where + ", returns"), where + ", returns"),
              nodes.description(nodes.required(returnFields, "description", returnsNode, where + ", returns"), where + ", returns"));
    }
    return new MethodSchema(fullName, nameMatch.group(1), nameMatch.group(2), subsystem, description, params, returns);
  }

  private EventSchema event(String name, Node node) {
    String where = "event " + name;
    var nameMatch = EVENT_NAME.matcher(name);
    if (!nameMatch.matches()) {
      throw nodes.error(node, where, "an event name is |category|event| (the object id is not part of it)");
    }
    Map<String, Node> fields = nodes.mapping(node, where);
    nodes.checkKeys(fields, EVENT_KEYS, where);
    Subsystem subsystem = subsystem(nodes.required(fields, "subsystem", node, where), where);
    String description = nodes.description(nodes.required(fields, "description", node, where), where);
    String idDescription = nodes.description(nodes.required(fields, "id", node, where), where + ", id");
    Node paramsNode = nodes.required(fields, "params", node, where);
    TypeSchema params = reference(paramsNode, where + ", params");
    if (!(params.resolved() instanceof ObjectType object)) {
      throw nodes.error(paramsNode, where, "event params are an object type, not " + params.name());
    }
    Property notifyTime = object.properties().get(EventSchema.NOTIFY_TIME);
    if (notifyTime == null
        || notifyTime.optional()
        || !(notifyTime.type().resolved() instanceof Primitive p && p.kind() == PrimitiveKind.LONG)) {
      throw nodes.error(paramsNode, where, "event params carry a required '" + EventSchema.NOTIFY_TIME + "' of type long; " + object.name() + " does not");
    }
    return new EventSchema(name, nameMatch.group(1), nameMatch.group(2), subsystem, description, idDescription, object);
  }

  private Subsystem subsystem(Node node, String where) {
    String name = nodes.text(node, where + ", subsystem");
    return Subsystem.byWireName(name)
        .orElseThrow(
            () ->
                nodes.error(
                    node,
                    where,
                    "unknown subsystem '"
                        + name
                        + "' ("
                        + Arrays.stream(Subsystem.values()).map(Subsystem::wireName).collect(Collectors.joining(", "))
                        + ")"));
  }
}

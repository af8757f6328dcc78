package org.ovirt.vdsm.messaging.schema;

import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Param;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Returns;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ObjectType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Primitive;
import org.ovirt.vdsm.messaging.schema.TypeSchema.PrimitiveKind;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Property;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Reads a schema document (YAML 1.2, JSON schema for scalars: {@code true}, {@code false}, {@code
 * null} in lower case) into an {@link ApiSchema}. Works on the YAML node tree so that every error
 * names its line. One instance per document.
 */
final class SchemaReader {
  private static final Set<String> ROOT_KEYS = Set.of("description", "types", "methods", "events");
  private static final Set<String> METHOD_KEYS = Set.of("subsystem", "description", "params", "returns");
  private static final Set<String> RETURNS_KEYS = Set.of("type", "description");
  private static final Set<String> EVENT_KEYS = Set.of("subsystem", "description", "id", "params");

  private static final Pattern METHOD_NAME = Pattern.compile("([A-Z][A-Za-z0-9]*)\\.([A-Za-z][A-Za-z0-9_]*)");
  private static final Pattern EVENT_NAME = Pattern.compile("\\|([a-z][a-z0-9_]*)\\|([A-Za-z][A-Za-z0-9_]*)\\|");

  private final String source;
  private final SchemaNodes nodes;
  private final TypeReader types;

  private SchemaReader(String source) {
    this.source = source;
    this.nodes = new SchemaNodes(source);
    this.types = new TypeReader(nodes);
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

    Map<String, TypeSchema> declared = types.declarations(document.get("types"));

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
        TypeReader.Member m = types.member(paramNode, where, "parameter");
        if (params.stream().anyMatch(p -> p.name().equals(m.name()))) {
          throw nodes.error(paramNode, where, "duplicate parameter '" + m.name() + "'");
        }
        params.add(new Param(m.name(), m.type(), m.description(), m.optional(), m.defaultValue()));
      }
    }
    Returns returns = null;
    if (fields.containsKey("returns")) {
      Node returnsNode = fields.get("returns");
      Map<String, Node> returnFields = nodes.mapping(returnsNode, where + ", returns");
      nodes.checkKeys(returnFields, RETURNS_KEYS, where + ", returns");
      returns =
          new Returns(
              types.reference(nodes.required(returnFields, "type", returnsNode, where + ", returns"), where + ", returns"),
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
    TypeSchema params = types.reference(paramsNode, where + ", params");
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

package org.ovirt.vdsm.messaging.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.schema.TypeSchema.EnumType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ObjectType;

/** Loading fails fast on a broken document, with a message naming the source, the line and the spot. */
class SchemaLoadingTest {

  /** A small valid document; the broken ones below change one thing in it. */
  static final String VALID =
      """
      description: A test API.
      types:
        Id:
          kind: alias
          of: string
          pattern: '[a-z]+'
          description: An id.
        Color:
          kind: enum
          description: A color.
          values:
            red: Red.
            green: Green.
        Thing:
          kind: object
          description: A thing.
          properties:
            - name: id
              type: Id
              description: Its id.
            - name: size
              type: int
              default: 1
              description: Its size.
        Ping:
          kind: object
          description: Event params.
          properties:
            - name: notify_time
              type: long
              description: When.
      methods:
        Thing.get:
          subsystem: host
          description: Gets a thing.
          params:
            - name: id
              type: Id
              description: Which thing.
            - name: colors
              type: [Color]
              default: [red]
              description: Which colors.
          returns:
            type: Thing
            description: The thing.
      events:
        '|thing|ping|':
          subsystem: host
          description: A ping.
          id: The thing id.
          params: Ping
      """;

  static final String TWO_TYPE_CYCLE =
      """
        A:
          kind: object
          description: Holds a B.
          properties:
            - name: b
              type: B
              description: The B.
        B:
          kind: object
          description: Holds an A.
          properties:
            - name: a
              type: A
              description: The A.
      """;

  @Test
  void loadsValidDocument() {
    ApiSchema schema = ApiSchema.parse(VALID, "test.yml");
    assertThat(schema.source()).isEqualTo("test.yml");
    assertThat(schema.description()).isEqualTo("A test API.");
    assertThat(schema.types().keySet()).containsExactly("Id", "Color", "Thing", "Ping");
    assertThat(schema.method("Thing.get").orElseThrow())
        .hasToString("Thing.get(id: Id, colors?: [Color] = [\"red\"]) -> Thing [host]");
    assertThat(((ObjectType) schema.type("Thing").orElseThrow()).property("size").orElseThrow().defaultValue())
        .isEqualTo(SchemaJson.json("1"));
    assertThat(((EnumType) schema.type("Color").orElseThrow()).values()).extracting(Object::toString)
        .containsExactly("'red'", "'green'");
    assertThat(schema.event("|thing|ping|x").orElseThrow().params().name()).isEqualTo("Ping");
  }

  @Test
  void loadsFromStream() {
    ApiSchema schema = ApiSchema.load(new ByteArrayInputStream(VALID.getBytes(UTF_8)), "stream.yml");
    assertThat(schema.methods()).extracting(MethodSchema::fullName).containsExactly("Thing.get");
  }

  @Test
  void eventsAndTypesAreOptional() {
    ApiSchema schema = ApiSchema.parse("methods:\n  A.b:\n    subsystem: virt\n    description: B.\n", "m.yml");
    assertThat(schema.methods()).hasSize(1);
    assertThat(schema.events()).isEmpty();
    assertThat(schema.types()).isEmpty();
  }

  static Stream<Arguments> brokenDocuments() {
    return Stream.of(
        // name, document, message fragment
        broken("not YAML", "types: [unclosed", "test.yml: not a valid YAML document"),
        broken("empty", "", "test.yml: the document is empty"),
        broken("a list", "- a\n- b\n", "test.yml, line 1: document: expected a mapping"),
        broken("no methods", "types: {}\n", "document: no 'methods'"),
        broken("unknown top-level key", VALID.replace("methods:", "method:"), "document: unknown key 'method'"),
        broken("duplicate YAML key", VALID + "methods: {}\n", "document: duplicate key 'methods'"),
        broken("unknown type of a parameter", VALID.replace("type: [Color]", "type: [Colour]"),
            "method Thing.get, parameter 'colors': unknown type 'Colour'"),
        broken("unknown type of a property", VALID.replace("type: Id\n        description: Its id.", "type: Ident\n        description: Its id."),
            "type Thing, property 'id': unknown type 'Ident'"),
        broken("unknown result type", VALID.replace("type: Thing\n", "type: Thingy\n"), "method Thing.get, returns: unknown type 'Thingy'"),
        broken("unknown event params type", VALID.replace("params: Ping", "params: Pong"), "event |thing|ping|, params: unknown type 'Pong'"),
        broken("duplicate method", VALID.replace("events:", "  Thing.get:\n    subsystem: host\n    description: Again.\nevents:"),
            "methods: duplicate key 'Thing.get'"),
        broken("duplicate type", VALID.replace("  Ping:\n", "  Color:\n"), "types: duplicate key 'Color'"),
        broken("duplicate parameter", VALID.replace("name: colors", "name: id"), "method Thing.get: duplicate parameter 'id'"),
        broken("duplicate property", VALID.replace("name: size", "name: id"), "type Thing: duplicate property 'id'"),
        broken("duplicate enum value", VALID.replace("green: Green.", "red: Again."), "type Color: duplicate enum value 'red'"),
        broken("enum value that is neither string nor integer", VALID.replace("green: Green.", "1.5: Fraction."),
            "type Color: the enum value 1.5 is neither a string nor an integer (quote it)"),
        broken("empty enum", VALID.replace("      red: Red.\n      green: Green.\n", "      {}\n"), "type Color: an enum has at least one value"),
        broken("method without description", VALID.replace("    description: Gets a thing.\n", ""), "method Thing.get: missing 'description'"),
        broken("type without description", VALID.replace("    description: A color.\n", ""), "type Color: missing 'description'"),
        broken("parameter without description", VALID.replace("        description: Which thing.\n", ""),
            "method Thing.get, parameter 'id': missing 'description'"),
        broken("property without description", VALID.replace("        description: Its size.\n", ""), "type Thing, property 'size': missing 'description'"),
        broken("blank description", VALID.replace("description: Its size.", "description: ' '"),
            "type Thing, property 'size': a description is required (a non-empty text)"),
        broken("enum value without description", VALID.replace("green: Green.", "green:"), "type Color, value green: a description is required"),
        broken("result without description", VALID.replace("      description: The thing.\n", ""), "method Thing.get, returns: missing 'description'"),
        broken("event without description", VALID.replace("    description: A ping.\n", ""), "event |thing|ping|: missing 'description'"),
        broken("event without id description", VALID.replace("    id: The thing id.\n", ""), "event |thing|ping|: missing 'id'"),
        broken("cycle through two types", VALID.replace("  Ping:\n", TWO_TYPE_CYCLE + "  Ping:\n"),
            "type 'A' refers to itself: A -> B -> A"),
        broken("type that refers to itself", VALID.replace("        type: int\n", "        type: Thing\n").replace("        default: 1\n", ""),
            "type 'Thing' refers to itself: Thing -> Thing"),
        broken("alias cycle", VALID.replace("of: string\n    pattern: '[a-z]+'", "of: Id2")
                .replace("  Color:\n", "  Id2:\n    kind: alias\n    of: Id\n    description: Another id.\n  Color:\n"),
            "type 'Id' refers to itself: Id -> Id2 -> Id"),
        broken("unknown kind", VALID.replace("kind: enum", "kind: record"), "type Color: unknown kind 'record' (alias, enum, object, map or union)"),
        broken("unknown subsystem", VALID.replace("subsystem: host\n    description: Gets", "subsystem: compute\n    description: Gets"),
            "method Thing.get: unknown subsystem 'compute' (virt, storage, network, host)"),
        broken("method name without namespace", VALID.replace("Thing.get:", "get:"), "method get: a method name is Namespace.verb"),
        broken("event name with an id", VALID.replace("'|thing|ping|'", "'|thing|ping|1'"), "event |thing|ping|1: an event name is |category|event|"),
        broken("event params not an object", VALID.replace("params: Ping", "params: Color"), "event |thing|ping|: event params are an object type, not Color"),
        broken("event params without notify_time", VALID.replace("name: notify_time", "name: time"),
            "event |thing|ping|: event params carry a required 'notify_time' of type long; Ping does not"),
        broken("event notify_time optional", VALID.replace("type: long\n", "type: long\n        optional: true\n"),
            "event params carry a required 'notify_time' of type long"),
        broken("event notify_time not a long", VALID.replace("type: long\n", "type: int\n"), "event params carry a required 'notify_time' of type long"),
        broken("pattern on a non-string alias", VALID.replace("of: string", "of: int"), "type Id: a pattern needs an alias of string, not of int"),
        broken("invalid pattern", VALID.replace("'[a-z]+'", "'[a-z'"), "type Id, pattern: not a valid regular expression"),
        broken("default that does not fit", VALID.replace("default: 1", "default: one"), "type Thing, property 'size': default must be an int, got string"),
        broken("default list element that does not fit", VALID.replace("default: [red]", "default: [blue]"),
            "method Thing.get, parameter 'colors': default[0] must be one of Color ('red', 'green'), got 'blue'"),
        broken("default on a required member", VALID.replace("default: 1", "default: 1\n        optional: false"),
            "type Thing, property 'size': a property with a default is optional"),
        broken("optional that is not a boolean", VALID.replace("default: 1", "optional: yes"), "type Thing, property 'size', optional: expected true or false"),
        broken("list with two element types", VALID.replace("type: [Color]", "type: [Color, Id]"), "a list type is written [Element], with exactly one element type"),
        broken("type as a mapping", VALID.replace("type: [Color]", "type: {of: Color}"), "a type is a type name or [Element]"),
        broken("union of one", VALID.replace("kind: enum\n    description: A color.\n    values:\n      red: Red.\n      green: Green.",
                "kind: union\n    description: A color.\n    of: [Id]"),
            "type Color: a union has at least two alternatives"),
        broken("union with a repeated alternative", VALID.replace("kind: enum\n    description: A color.\n    values:\n      red: Red.\n      green: Green.",
                "kind: union\n    description: A color.\n    of: [Id, int, Id]"),
            "type Color: duplicate alternative Id"),
        broken("map with an int key", VALID.replace("  Ping:\n", "  Sizes:\n    kind: map\n    key: int\n    value: int\n    description: Sizes.\n  Ping:\n"),
            "type Sizes, key: JSON object keys are strings: int cannot be a key type"),
        broken("misspelled key", VALID.replace("        description: Its size.", "        descripton: Its size."),
            "type Thing, property 'size': unknown key 'descripton' (expected default, description, name, optional, type)"),
        broken("key of another kind", VALID.replace("kind: enum\n", "kind: enum\n    of: string\n"), "type Color: unknown key 'of'"),
        broken("bad extra policy", VALID.replace("description: A thing.", "description: A thing.\n    extra: sometimes"),
            "type Thing, extra: 'sometimes' is not forbid, report or allow"),
        broken("entries and extra together", VALID.replace("description: A thing.", "description: A thing.\n    extra: allow\n    entries: {key: Id, value: int}"),
            "type Thing: 'entries' and 'extra' exclude each other"),
        broken("built-in type declared", VALID.replace("  Ping:\n", "  string:\n    kind: alias\n    of: int\n    description: No.\n  Ping:\n"),
            "type string: 'string' is a built-in type and cannot be declared"),
        broken("bad type name", VALID.replace("  Ping:\n", "  Bad-Name:\n    kind: alias\n    of: int\n    description: No.\n  Ping:\n"),
            "type Bad-Name: a type name is a letter followed by letters, digits or '_'"),
        broken("bad member name", VALID.replace("name: size", "name: 'si ze'"), "a name is a letter or '_' followed by letters, digits, '_' or '-'"));
  }

  private static Arguments broken(String name, String document, String fragment) {
    return Arguments.of(name, document, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenDocuments")
  void refusesBrokenDocument(String name, String document, String fragment) {
    assertThatThrownBy(() -> ApiSchema.parse(document, "test.yml"))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining(fragment)
        .hasMessageStartingWith("test.yml");
  }

  @Test
  void namesTheLine() {
    String document = VALID.replace("type: [Color]", "type: [Colour]");
    int line = 1 + (int) document.substring(0, document.indexOf("[Colour]")).chars().filter(c -> c == '\n').count();
    assertThatThrownBy(() -> ApiSchema.parse(document, "test.yml")).hasMessageStartingWith("test.yml, line " + line + ": ");
  }
}

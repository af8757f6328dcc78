package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.schema.MethodSchema;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Param;
import org.ovirt.vdsm.messaging.schema.TypeSchema;

/**
 * What {@code vdsm-client} knows of the host API, from the bundled schema: the namespaces, the
 * methods of a namespace with their one-line descriptions, a method's parameters (type, required
 * or optional, default, description), and the lookups that turn a typo into "did you mean".
 */
final class ApiHelp {
  private static final int WIDTH = 100;

  private final ApiSchema schema;
  private final Map<String, List<MethodSchema>> byNamespace = new LinkedHashMap<>();

  ApiHelp(ApiSchema schema) {
    this.schema = requireNonNull(schema, "schema");
    for (MethodSchema m : schema.methods()) {
      byNamespace.computeIfAbsent(m.namespace(), n -> new ArrayList<>()).add(m);
    }
  }

  /** The namespaces, in schema order. */
  List<String> namespaces() {
    return List.copyOf(byNamespace.keySet());
  }

  /** The namespace as the schema spells it, or a usage error with the closest one. */
  String namespace(String typed) throws CliException {
    requireNonNull(typed, "typed");
    if (byNamespace.containsKey(typed)) {
      return typed;
    }
    throw CliException.usage("unknown namespace '" + typed + "'" + Suggestions.didYouMean(typed, byNamespace.keySet())
        + " ('vdsm-client --help' lists them; --unchecked sends it anyway)");
  }

  /** The method {@code namespace.verb}, or a usage error with the closest verb of that namespace. */
  MethodSchema method(String namespace, String verb) throws CliException {
    String ns = namespace(namespace);
    var found = schema.method(ns + "." + verb);
    if (found.isPresent()) {
      return found.get();
    }
    List<String> verbs = byNamespace.get(ns).stream().map(MethodSchema::verb).toList();
    throw CliException.usage("unknown method " + ns + "." + verb + Suggestions.didYouMean(verb, verbs)
        + " ('vdsm-client " + ns + "' lists them; --unchecked sends it anyway)");
  }

  /** A usage error when {@code name} is not a parameter of {@code method}, naming the closest one. */
  static void checkParamName(MethodSchema method, String name) throws CliException {
    if (method.param(name).isPresent()) {
      return;
    }
    List<String> names = method.params().stream().map(Param::name).toList();
    String known = names.isEmpty() ? "it takes none" : "it takes " + String.join(", ", names);
    throw CliException.usage(method.fullName() + " has no parameter '" + name + "'" + Suggestions.didYouMean(name, names)
        + " (" + known + ")");
  }

  /** The lines listed after the options in {@code vdsm-client --help}. */
  List<String> namespaceSection() {
    List<String> lines = new ArrayList<>();
    lines.add("Namespaces (vdsm-client NAMESPACE lists its methods):");
    int width = byNamespace.keySet().stream().mapToInt(String::length).max().orElse(0);
    String indent = " ".repeat(width + 4);
    byNamespace.forEach((ns, methods) -> {
      StringBuilder wrapped = new StringBuilder();
      wrap(wrapped, methods.stream().map(MethodSchema::verb).collect(Collectors.joining(", ")), indent, 79);
      String text = wrapped.toString();
      text.substring(indent.length()).lines().findFirst().ifPresent(first -> lines.add("  " + pad(ns, width) + "  " + first));
      text.lines().skip(1).forEach(lines::add);
    });
    return lines;
  }

  /** {@code vdsm-client Host}: the methods of a namespace, one per line with its description. */
  String namespaceHelp(String namespace) throws CliException {
    String ns = namespace(namespace);
    StringBuilder out = new StringBuilder();
    out.append("Usage: vdsm-client [OPTIONS] ").append(ns).append(" METHOD [NAME=VALUE...]\n\n");
    out.append(ns).append(" methods (vdsm-client ").append(ns).append(" METHOD --help describes one):\n");
    List<MethodSchema> methods = byNamespace.get(ns);
    int width = methods.stream().mapToInt(m -> m.verb().length()).max().orElse(0);
    for (MethodSchema m : methods) {
      out.append("  ").append(pad(m.verb(), width)).append("  ").append(firstSentence(m.description())).append('\n');
    }
    return out.toString();
  }

  /** {@code vdsm-client Host getVMList --help}: the method, its parameters and its result. */
  String methodHelp(MethodSchema m) {
    StringBuilder out = new StringBuilder();
    out.append("Usage: vdsm-client [OPTIONS] ").append(m.namespace()).append(' ').append(m.verb());
    for (Param p : m.params()) {
      out.append(p.optional() ? " [" + p.name() + "=VALUE]" : " " + p.name() + "=VALUE");
    }
    out.append("\n\n");
    wrap(out, m.description(), "");
    out.append("Runs on the host's ").append(m.subsystem().wireName()).append(" subsystem.\n\n");
    if (m.params().isEmpty()) {
      out.append("Parameters: none.\n");
    } else {
      out.append("Parameters:\n");
      for (Param p : m.params()) {
        out.append("  ").append(p.name()).append(": ").append(describe(p.type()))
            .append(p.optional() ? ", optional" + defaultText(p) : ", required").append('\n');
        wrap(out, p.description(), "      ");
      }
    }
    m.result().ifPresentOrElse(
        r -> {
          out.append("\nReturns: ").append(r.type().name()).append('\n');
          wrap(out, r.description(), "      ");
        },
        () -> out.append("\nReturns: true\n"));
    if (!m.params().isEmpty()) {
      out.append("\nAs a JSON object for -f FILE (values are the defaults, or the type to give):\n");
      out.append(new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
          .toJson(template(m))).append('\n');
    }
    return out.toString();
  }

  private static JsonObject template(MethodSchema m) {
    JsonObject object = new JsonObject();
    for (Param p : m.params()) {
      JsonElement value = p.optional() ? p.defaultValue() : new JsonPrimitive(p.type().name());
      object.add(p.name(), value);
    }
    return object;
  }

  private static String defaultText(Param p) {
    return p.defaultValue().isJsonNull() ? ", no default" : ", default " + p.defaultValue();
  }

  private static String describe(TypeSchema type) {
    if (type instanceof TypeSchema.EnumType e) {
      return type.name() + " (one of " + e.values().stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
    }
    if (type instanceof TypeSchema.Alias a) {
      return type.name() + " (" + a.resolved().name() + ")";
    }
    return type.name();
  }

  private static String firstSentence(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    int end = flat.indexOf(". ");
    return end < 0 ? flat : flat.substring(0, end + 1);
  }

  /** Appends {@code text} word-wrapped at {@link #WIDTH} columns, each line indented. */
  private static void wrap(StringBuilder out, String text, String indent) {
    wrap(out, text, indent, WIDTH);
  }

  /** Appends {@code text} word-wrapped at {@code width} columns, each line indented. */
  private static void wrap(StringBuilder out, String text, String indent, int width) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.strip().split("\\s+")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
        out.append(line).append('\n');
        line.setLength(0);
        line.append(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    out.append(line).append('\n');
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}

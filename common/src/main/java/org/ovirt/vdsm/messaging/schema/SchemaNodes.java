package org.ovirt.vdsm.messaging.schema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed access to the YAML node tree of one schema document: every accessor refuses what it does not
 * expect with a {@link SchemaException} naming the document, the line and what was being read.
 */
final class SchemaNodes {
  private final String source;

  SchemaNodes(String source) {
    this.source = source;
  }

  /** A mapping with string keys, in document order; refuses duplicate keys. */
  Map<String, Node> mapping(Node node, String where) {
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, where, "expected a mapping");
    }
    Map<String, Node> result = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalar)) {
        throw error(key, where, "a key is a plain string");
      }
      if (result.put(scalar.getValue(), tuple.getValueNode()) != null) {
        throw error(key, where, "duplicate key '" + scalar.getValue() + "'");
      }
    }
    return result;
  }

  List<Node> sequence(Node node, String where) {
    if (!(node instanceof SequenceNode sequence)) {
      throw error(node, where, "expected a list");
    }
    return sequence.getValue();
  }

  void checkKeys(Map<String, Node> fields, Set<String> allowed, String where) {
    for (String key : fields.keySet()) {
      if (!allowed.contains(key)) {
        throw error(fields.get(key), where, "unknown key '" + key + "' (expected " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
  }

  Node required(Map<String, Node> fields, String key, Node owner, String where) {
    Node node = fields.get(key);
    if (node == null) {
      throw error(owner, where, "missing '" + key + "'");
    }
    return node;
  }

  String text(Node node, String where) {
    if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
      throw error(node, where, "expected a string");
    }
    return scalar.getValue();
  }

  String description(Node node, String where) {
    if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.STR) || scalar.getValue().isBlank()) {
      throw error(node, where, "a description is required (a non-empty text)");
    }
    return scalar.getValue().strip();
  }

  boolean bool(Node node, String where) {
    if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)) {
      throw error(node, where, "expected true or false");
    }
    return Boolean.parseBoolean(scalar.getValue());
  }

  /** A YAML value as JSON (for defaults). */
  JsonElement json(Node node, String where) {
    if (node instanceof MappingNode) {
      JsonObject object = new JsonObject();
      mapping(node, where).forEach((k, v) -> object.add(k, json(v, where)));
      return object;
    }
    if (node instanceof SequenceNode sequence) {
      JsonArray array = new JsonArray();
      sequence.getValue().forEach(element -> array.add(json(element, where)));
      return array;
    }
    if (!(node instanceof ScalarNode scalar)) {
      throw error(node, where, "unsupported YAML value");
    }
    Tag tag = scalar.getTag();
    String value = scalar.getValue();
    try {
      if (tag.equals(Tag.NULL)) {
        return JsonNull.INSTANCE;
      } else if (tag.equals(Tag.BOOL)) {
        return new JsonPrimitive(Boolean.parseBoolean(value));
      } else if (tag.equals(Tag.INT)) {
        return new JsonPrimitive(new BigInteger(value));
      } else if (tag.equals(Tag.FLOAT)) {
        return new JsonPrimitive(new BigDecimal(value));
      } else if (tag.equals(Tag.STR)) {
        return new JsonPrimitive(value);
      }
    } catch (NumberFormatException e) {
      throw error(node, where, "not a number: " + value);
    }
    throw error(node, where, "unsupported YAML value " + tag);
  }

  SchemaException error(Node node, String where, String problem) {
    String line =
        node == null ? "" : node.getStartMark().map(m -> ", line " + (m.getLine() + 1)).orElse("");
    return new SchemaException(source + line + ": " + where + ": " + problem);
  }
}

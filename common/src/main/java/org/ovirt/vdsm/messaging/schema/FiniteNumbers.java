package org.ovirt.vdsm.messaging.schema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/**
 * Finds numbers that have no finite {@code double} value ({@code 1e400}, {@code -1e309}) anywhere in
 * a JSON value, whatever the schema says of it ({@code any} members and free-form objects included):
 * such a number is valid JSON but cannot be stored and given back by every binding (XML-RPC has no
 * infinity), so the host refuses it when a call arrives. Iterative, linear in the size of the value.
 */
public final class FiniteNumbers {
  private FiniteNumbers() {}

  /**
   * The path of the first number in {@code value} beyond the range of a double, for example {@code
   * params.vmParams.memSize}, or empty when every number is finite.
   *
   * @param value a JSON value; {@code null} is treated as JSON null
   * @param root the path of {@code value} itself
   */
  public static Optional<String> firstOutOfRange(JsonElement value, String root) {
    if (value == null) {
      return Optional.empty();
    }
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(new Node(null, root, value));
    while (!todo.isEmpty()) {
      Node next = todo.pop();
      JsonElement v = next.value();
      if (v instanceof JsonPrimitive p) {
        if (p.isNumber() && !Double.isFinite(p.getAsDouble())) {
          return Optional.of(next.path());
        }
      } else if (v instanceof JsonObject o) {
        for (Map.Entry<String, JsonElement> member : o.entrySet()) {
          todo.push(new Node(next, "." + CheckMessages.shorten(member.getKey()), member.getValue()));
        }
      } else if (v instanceof JsonArray a) {
        for (int i = 0; i < a.size(); i++) {
          todo.push(new Node(next, "[" + i + "]", a.get(i)));
        }
      }
    }
    return Optional.empty();
  }

  /** A value still to look at; its path is built only when it is reported. */
  private record Node(Node parent, String step, JsonElement value) {
    String path() {
      StringBuilder path = new StringBuilder();
      for (Node n = this; n != null; n = n.parent) {
        path.insert(0, n.step);
      }
      return path.toString();
    }
  }
}

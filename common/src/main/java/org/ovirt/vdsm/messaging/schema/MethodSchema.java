package org.ovirt.vdsm.messaging.schema;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A method of the host API, {@code Namespace.verb}.
 *
 * @param fullName {@code Namespace.verb}, e.g. {@code VM.create}
 * @param namespace the part before the dot, e.g. {@code VM}
 * @param verb the part after the dot, e.g. {@code create}
 * @param subsystem the subsystem whose executor runs the method
 * @param description what the method does
 * @param params the parameters in positional order
 * @param returns the result, or {@code null} when the method returns nothing (it then answers
 *     {@code true}, as VDSM does)
 */
public record MethodSchema(
    String fullName,
    String namespace,
    String verb,
    Subsystem subsystem,
    String description,
    List<Param> params,
    Returns returns) {

  public MethodSchema {
    requireNonNull(fullName, "fullName");
    requireNonNull(namespace, "namespace");
    requireNonNull(verb, "verb");
    requireNonNull(subsystem, "subsystem");
    requireNonNull(description, "description");
    params = List.copyOf(params);
    if (!fullName.equals(namespace + "." + verb)) {
      throw new IllegalArgumentException(fullName + " is not " + namespace + "." + verb);
    }
  }

  /** The parameter with this name, if any. */
  public Optional<Param> param(String name) {
    requireNonNull(name, "name");
    return params.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The signature: {@code VM.destroy(vmID: UUID, gracefulAttempts?: int = 1) [virt]}. */
  @Override
  public String toString() {
    return fullName
        + params.stream().map(Param::toString).collect(Collectors.joining(", ", "(", ")"))
        + (returns == null ? "" : " -> " + returns.type().name())
        + " ["
        + subsystem.wireName()
        + "]";
  }

  /** The result, if the method returns something. */
  public Optional<Returns> result() {
    return Optional.ofNullable(returns);
  }

  /**
   * A parameter. An optional parameter that is omitted, or given as {@code null}, takes its default.
   *
   * @param defaultValue the default of an optional parameter ({@link JsonNull} for none or null)
   */
  public record Param(
      String name, TypeSchema type, String description, boolean optional, JsonElement defaultValue) {
    public Param {
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
      return name + (optional ? "?" : "") + ": " + type.name() + (optional && !defaultValue.isJsonNull() ? " = " + defaultValue : "");
    }
  }

  /** What a method returns. */
  public record Returns(TypeSchema type, String description) {
    public Returns {
      requireNonNull(type, "type");
      requireNonNull(description, "description");
    }

    @Override
    public String toString() {
      return type.name();
    }
  }
}

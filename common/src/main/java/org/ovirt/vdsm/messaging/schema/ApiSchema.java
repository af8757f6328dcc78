package org.ovirt.vdsm.messaging.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine-readable schema of the host API: named types, methods {@code Namespace.verb} with
 * typed parameters and results, and events. Immutable and thread-safe.
 *
 * <p>{@link #vdsm()} is the schema this project serves, bundled as the resource {@value #RESOURCE}
 * next to this class and loaded once. The document format is described in that file's header.
 * Loading checks the document and fails fast with a {@link SchemaException} naming the line and the
 * spot: unknown types, type cycles, duplicate names, unknown keys, missing descriptions, defaults
 * that do not fit their type, events whose params lack a required {@code notify_time}.
 */
public final class ApiSchema {
  /** The resource name of the bundled schema, relative to this class. */
  public static final String RESOURCE = "vdsm-api.yml";

  private static volatile ApiSchema bundled;

  private final String source;
  private final String description;
  private final Map<String, TypeSchema> types;
  private final Map<String, MethodSchema> methods;
  private final Map<String, EventSchema> events;

  ApiSchema(
      String source,
      String description,
      Map<String, TypeSchema> types,
      Map<String, MethodSchema> methods,
      Map<String, EventSchema> events) {
    this.source = source;
    this.description = description;
    this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    this.events = Collections.unmodifiableMap(new LinkedHashMap<>(events));
  }

  /**
   * The bundled VDSM host API schema, loaded on first use.
   *
   * @throws SchemaException if the bundled resource is broken (a build defect)
   */
  public static ApiSchema vdsm() {
    ApiSchema schema = bundled;
    if (schema == null) {
      synchronized (ApiSchema.class) {
        schema = bundled;
        if (schema == null) {
          schema = loadBundled();
          bundled = schema;
        }
      }
    }
    return schema;
  }

  /**
   * Loads a schema document (UTF-8 YAML).
   *
   * @param in the document; read to the end, not closed
   * @param sourceName the name used in error messages (a file or resource name)
   * @throws SchemaException if the document is not a valid schema
   * @throws UncheckedIOException if reading fails
   */
  public static ApiSchema load(InputStream in, String sourceName) {
    requireNonNull(in, "in");
    requireNonNull(sourceName, "sourceName");
    return SchemaReader.read(new InputStreamReader(in, UTF_8), sourceName);
  }

  /** Loads a schema document given as text; see {@link #load(InputStream, String)}. */
  public static ApiSchema parse(String yaml, String sourceName) {
    requireNonNull(yaml, "yaml");
    requireNonNull(sourceName, "sourceName");
    return SchemaReader.read(new StringReader(yaml), sourceName);
  }

  /** Where the schema was loaded from. */
  public String source() {
    return source;
  }

  /** The description of the whole document (empty when it has none). */
  public String description() {
    return description;
  }

  /** The declared types by name, in document order. */
  public Map<String, TypeSchema> types() {
    return types;
  }

  /** The declared type with this name, if any. */
  public Optional<TypeSchema> type(String name) {
    requireNonNull(name, "name");
    return Optional.ofNullable(types.get(name));
  }

  /** The methods, in document order. */
  public List<MethodSchema> methods() {
    return List.copyOf(methods.values());
  }

  /** The methods run by one subsystem, in document order. */
  public List<MethodSchema> methods(Subsystem subsystem) {
    requireNonNull(subsystem, "subsystem");
    return methods.values().stream().filter(m -> m.subsystem() == subsystem).toList();
  }

  /** The method {@code Namespace.verb}, if the API has it. */
  public Optional<MethodSchema> method(String fullName) {
    requireNonNull(fullName, "fullName");
    return Optional.ofNullable(methods.get(fullName));
  }

  /** The events, in document order. */
  public List<EventSchema> events() {
    return List.copyOf(events.values());
  }

  /**
   * The event of a notification method: {@code |virt|VM_status|<vmId>} (as the host sends it), {@code
   * engine|virt|VM_status|<vmId>} (the receiver part is ignored) or {@code |virt|VM_status|} all
   * find {@code |virt|VM_status|}.
   */
  public Optional<EventSchema> event(String eventMethod) {
    requireNonNull(eventMethod, "eventMethod");
    String[] parts = eventMethod.split("\\|", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    return Optional.ofNullable(events.get("|" + parts[1] + "|" + parts[2] + "|"));
  }

  @Override
  public String toString() {
    return "ApiSchema[" + source + ": " + types.size() + " types, " + methods.size() + " methods, " + events.size() + " events]";
  }

  private static ApiSchema loadBundled() {
    try (InputStream in = ApiSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new SchemaException("the bundled schema resource " + RESOURCE + " is missing");
      }
      return load(in, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
  }
}

package org.ovirt.vdsm.messaging.destinations;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.schema.MethodSchema;
import org.ovirt.vdsm.messaging.schema.Subsystem;

/**
 * The subsystem of each API method: the one the schema gives it, else the one of its namespace
 * ({@code VM} is virt; {@code StoragePool}, {@code StorageDomain}, {@code Image}, {@code Volume},
 * {@code Task}, {@code SDM}, {@code Lease} are storage; {@code Network} is network; anything else
 * is host). The host runs a method on its subsystem's executor; through a broker the engine sends
 * it to that subsystem's request destination.
 */
public final class MethodSubsystems {
  /** The subsystem of each namespace that is not the host's. */
  private static final Map<String, Subsystem> NAMESPACES = Map.of(
      "VM", Subsystem.VIRT,
      "StoragePool", Subsystem.STORAGE,
      "StorageDomain", Subsystem.STORAGE,
      "Image", Subsystem.STORAGE,
      "Volume", Subsystem.STORAGE,
      "Task", Subsystem.STORAGE,
      "SDM", Subsystem.STORAGE,
      "Lease", Subsystem.STORAGE,
      "Network", Subsystem.NETWORK);

  private MethodSubsystems() {}

  /** The subsystem of {@code method} ({@code Namespace.verb}) in the bundled VDSM schema. */
  public static Subsystem of(String method) {
    return of(ApiSchema.vdsm(), method);
  }

  /** The subsystem of {@code method} in {@code schema}, or by its namespace when not described. */
  public static Subsystem of(ApiSchema schema, String method) {
    requireNonNull(schema, "schema");
    requireNonNull(method, "method");
    Optional<MethodSchema> described = schema.method(method);
    return described.isPresent() ? described.get().subsystem() : byNamespace(method);
  }

  /** The subsystem of {@code method} by its namespace alone. */
  public static Subsystem byNamespace(String method) {
    requireNonNull(method, "method");
    int dot = method.indexOf('.');
    return NAMESPACES.getOrDefault(dot < 0 ? method : method.substring(0, dot), Subsystem.HOST);
  }
}

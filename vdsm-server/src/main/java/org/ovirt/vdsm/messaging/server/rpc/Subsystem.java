package org.ovirt.vdsm.messaging.server.rpc;

import java.util.Locale;
import java.util.Map;

/**
 * The host's subsystems. Each runs its calls on its own bounded executor, so a slow storage call
 * never delays a VM call, and publishes its events on its own topic.
 */
public enum Subsystem {
  HOST,
  VIRT,
  STORAGE,
  NETWORK;

  private static final Map<String, Subsystem> BY_NAMESPACE =
      Map.of(
          "Host", HOST,
          "VM", VIRT,
          "StoragePool", STORAGE,
          "StorageDomain", STORAGE,
          "Image", STORAGE,
          "Volume", STORAGE,
          "Task", STORAGE,
          "Lease", STORAGE,
          "Network", NETWORK,
          "SDM", STORAGE);

  /** The subsystem of a {@code Namespace.verb} method; unknown namespaces belong to HOST. */
  public static Subsystem ofMethod(String method) {
    int dot = method.indexOf('.');
    return BY_NAMESPACE.getOrDefault(dot < 0 ? method : method.substring(0, dot), HOST);
  }

  /** The name used in event ids and topics: {@code virt}, {@code storage}, ... */
  public String eventName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

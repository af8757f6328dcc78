package org.ovirt.vdsm.messaging.schema;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The host subsystems. Each has its own executor on the server, so that a slow call of one (a
 * storage operation) never delays the calls of another (a VM status query), and its own event topic.
 */
public enum Subsystem {
  /** Virtual machines: {@code VM.*} and the VM queries of the {@code Host} namespace. */
  VIRT("virt"),
  /** Storage pools, domains, images and the storage tasks ({@code Task.*}). */
  STORAGE("storage"),
  /** Host networking. */
  NETWORK("network"),
  /** The host itself: connectivity, capabilities, statistics, logging, jobs. */
  HOST("host");

  private final String wireName;

  Subsystem(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the schema and in configuration ({@code virt}, {@code storage}, ...). */
  public String wireName() {
    return wireName;
  }

  /** The subsystem with this {@linkplain #wireName() wire name}, if any. */
  public static Optional<Subsystem> byWireName(String wireName) {
    requireNonNull(wireName, "wireName");
    for (Subsystem s : values()) {
      if (s.wireName.equals(wireName)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wireName;
  }
}

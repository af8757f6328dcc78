package org.ovirt.vdsm.messaging.detector;

import java.util.Locale;

/** Whether a port speaks TLS. */
public enum TlsMode {
  /** Every connection must start a TLS handshake (mutual TLS); the default. */
  REQUIRED,
  /** The first bytes decide: a TLS handshake gets TLS, anything else is served in plain text. */
  OPTIONAL,
  /** Plain TCP only: development and tests. */
  OFF;

  /** Parses {@code required}, {@code optional} or {@code off}, case insensitive. */
  public static TlsMode parse(String value) {
    java.util.Objects.requireNonNull(value, "value");
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected required, optional or off, got '" + value + "'", e);
    }
  }
}

package org.ovirt.vdsm.messaging.server;

/** Whether the host port speaks TLS. */
public enum TlsMode {
  /** Every connection must start with a TLS handshake (mutual TLS); the default. */
  REQUIRED,
  /** Plain TCP only: development and tests. */
  OFF
}

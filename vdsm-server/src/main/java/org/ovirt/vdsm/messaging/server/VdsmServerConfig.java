package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * What a {@link VdsmServer} listens on and how.
 *
 * @param bindAddress the address to bind ({@code 0.0.0.0} for all IPv4 interfaces)
 * @param port the TCP port, 0 for a free one
 * @param tlsMode TLS required (mutual) or off
 * @param pki where the host certificate, key and CA are ({@code null} only when TLS is off)
 * @param tlsHandshakeTimeout how long a TLS handshake may take
 * @param workerThreads JSON-RPC worker threads
 * @param requestQueueCapacity request bodies that may wait for a worker; more are answered 1100
 * @param stomp STOMP session settings
 * @param broker broker settings (which destinations are queues, bounds)
 */
public record VdsmServerConfig(
    String bindAddress,
    int port,
    TlsMode tlsMode,
    PkiLayout pki,
    Duration tlsHandshakeTimeout,
    int workerThreads,
    int requestQueueCapacity,
    StompSettings stomp,
    BrokerConfig broker) {

  /** VDSM's port. */
  public static final int DEFAULT_PORT = 54321;

  public VdsmServerConfig {
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(tlsMode, "tlsMode");
    requireNonNull(tlsHandshakeTimeout, "tlsHandshakeTimeout");
    requireNonNull(stomp, "stomp");
    requireNonNull(broker, "broker");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (tlsMode == TlsMode.REQUIRED && pki == null) {
      throw new IllegalArgumentException("TLS needs a PKI directory");
    }
    if (workerThreads < 1 || requestQueueCapacity < 1) {
      throw new IllegalArgumentException("workerThreads and requestQueueCapacity must be >= 1");
    }
  }

  /** Mutual TLS with the material in {@code pki}, on {@code bindAddress:port}, other values default. */
  public static VdsmServerConfig tls(String bindAddress, int port, PkiLayout pki) {
    return new VdsmServerConfig(
        bindAddress, port, TlsMode.REQUIRED, requireNonNull(pki, "pki"), Duration.ofSeconds(10), 8, 1000, StompSettings.DEFAULTS, BrokerConfig.DEFAULTS);
  }

  /** Plain TCP on {@code bindAddress:port}, other values default. */
  public static VdsmServerConfig plain(String bindAddress, int port) {
    return new VdsmServerConfig(
        bindAddress, port, TlsMode.OFF, null, Duration.ofSeconds(10), 8, 1000, StompSettings.DEFAULTS, BrokerConfig.DEFAULTS);
  }

  /** This config with {@code threads} JSON-RPC worker threads. */
  public VdsmServerConfig withWorkerThreads(int threads) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, threads, requestQueueCapacity, stomp, broker);
  }

  /** This config with other STOMP settings. */
  public VdsmServerConfig withStomp(StompSettings settings) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, settings, broker);
  }

  /** This config with other broker settings. */
  public VdsmServerConfig withBroker(BrokerConfig settings) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, stomp, settings);
  }
}

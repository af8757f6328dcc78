package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.ovirt.vdsm.messaging.detector.DetectionSettings;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.server.rpc.DispatcherSettings;
import org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcSettings;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * What a {@link VdsmServer} listens on and how.
 *
 * @param bindAddress the address to bind ({@code 0.0.0.0} for all IPv4 interfaces)
 * @param port the TCP port, 0 for a free one
 * @param tlsMode TLS required (mutual), optional (the first bytes decide, TLS or plain text on the
 *     same port) or off
 * @param pki where the host certificate, key and CA are ({@code null} only when TLS is off)
 * @param tlsHandshakeTimeout how long a TLS handshake may take (default 10 s)
 * @param workerThreads JSON-RPC worker threads
 * @param requestQueueCapacity request bodies that may wait for a worker; more are answered 1100
 * @param requestTimeout a call still running then is answered with error -32000 and cancelled
 *     (default 120 s)
 * @param stomp STOMP session settings
 * @param broker broker settings (which destinations are queues, bounds)
 * @param detectionTimeout how long a new connection may take to show its protocol, counted from the
 *     accept and again from the end of the TLS handshake (default 10 s)
 * @param xmlrpc the legacy XML-RPC-over-HTTP binding on the same port (default: enabled)
 * @param apiStrict refuse a string where the schema wants a boolean or a number (VDSM's {@code
 *     api_strict_mode}); off by default, as in VDSM: {@code "true"}, {@code "2"} and other lossless
 *     string forms are then converted, see {@code SchemaValidator}
 * @param tlsReload the CRL file and how often the TLS files are checked for changes
 */
public record VdsmServerConfig(
    String bindAddress,
    int port,
    TlsMode tlsMode,
    PkiLayout pki,
    Duration tlsHandshakeTimeout,
    int workerThreads,
    int requestQueueCapacity,
    Duration requestTimeout,
    StompSettings stomp,
    BrokerConfig broker,
    Duration detectionTimeout,
    XmlRpcSettings xmlrpc,
    boolean apiStrict,
    TlsReloadSettings tlsReload) {

  /** The default request deadline. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = DispatcherSettings.DEFAULTS.requestTimeout();

  /** VDSM's port. */
  public static final int DEFAULT_PORT = 54321;

  /** Default of {@link #tlsHandshakeTimeout()}: 10 s. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = DetectionSettings.DEFAULT_HANDSHAKE_TIMEOUT;

  /** Default of {@link #detectionTimeout()}: 10 s. */
  public static final Duration DEFAULT_DETECTION_TIMEOUT = DetectionSettings.DEFAULT_DETECTION_TIMEOUT;

  public VdsmServerConfig {
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(tlsMode, "tlsMode");
    requireNonNull(tlsHandshakeTimeout, "tlsHandshakeTimeout");
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(stomp, "stomp");
    requireNonNull(broker, "broker");
    requireNonNull(detectionTimeout, "detectionTimeout");
    requireNonNull(xmlrpc, "xmlrpc");
    requireNonNull(tlsReload, "tlsReload");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (tlsMode != TlsMode.OFF && pki == null) {
      throw new IllegalArgumentException("TLS " + tlsMode + " needs a PKI directory");
    }
    if (workerThreads < 1 || requestQueueCapacity < 1) {
      throw new IllegalArgumentException("workerThreads and requestQueueCapacity must be >= 1");
    }
    if (!isPositive(tlsHandshakeTimeout) || !isPositive(detectionTimeout)) {
      throw new IllegalArgumentException("tlsHandshakeTimeout and detectionTimeout must be positive");
    }
  }

  private static boolean isPositive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /** Mutual TLS with the material in {@code pki}, on {@code bindAddress:port}, other values default. */
  public static VdsmServerConfig tls(String bindAddress, int port, PkiLayout pki) {
    return new VdsmServerConfig(
        bindAddress, port, TlsMode.REQUIRED, requireNonNull(pki, "pki"), DEFAULT_HANDSHAKE_TIMEOUT, 8, 1000,
        DEFAULT_REQUEST_TIMEOUT, StompSettings.DEFAULTS, BrokerConfig.DEFAULTS, DEFAULT_DETECTION_TIMEOUT, XmlRpcSettings.DEFAULTS, false,
        TlsReloadSettings.DEFAULTS);
  }

  /** Plain TCP on {@code bindAddress:port}, other values default. */
  public static VdsmServerConfig plain(String bindAddress, int port) {
    return new VdsmServerConfig(
        bindAddress, port, TlsMode.OFF, null, DEFAULT_HANDSHAKE_TIMEOUT, 8, 1000, DEFAULT_REQUEST_TIMEOUT, StompSettings.DEFAULTS,
        BrokerConfig.DEFAULTS, DEFAULT_DETECTION_TIMEOUT, XmlRpcSettings.DEFAULTS, false,
        TlsReloadSettings.DEFAULTS);
  }

  /** This config with {@code threads} JSON-RPC worker threads. */
  public VdsmServerConfig withWorkerThreads(int threads) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, threads, requestQueueCapacity, requestTimeout, stomp, broker, detectionTimeout, xmlrpc, apiStrict, tlsReload);
  }

  /**
   * This config with another TLS mode ({@code pki} must be set unless {@code mode} is {@link
   * TlsMode#OFF}).
   */
  public VdsmServerConfig withTlsMode(TlsMode mode) {
    return new VdsmServerConfig(
        bindAddress, port, mode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, requestTimeout, stomp, broker, detectionTimeout, xmlrpc, apiStrict, tlsReload);
  }

  /** This config with other TLS handshake and protocol detection timeouts. */
  public VdsmServerConfig withTimeouts(Duration handshake, Duration detection) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, handshake, workerThreads, requestQueueCapacity, requestTimeout, stomp, broker, detection, xmlrpc, apiStrict, tlsReload);
  }

  /** This config with another request deadline. */
  public VdsmServerConfig withRequestTimeout(Duration timeout) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, timeout, stomp, broker, detectionTimeout, xmlrpc, apiStrict, tlsReload);
  }

  /** This config with other STOMP settings. */
  public VdsmServerConfig withStomp(StompSettings settings) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, requestTimeout, settings, broker, detectionTimeout, xmlrpc, apiStrict, tlsReload);
  }

  /** This config with other broker settings. */
  public VdsmServerConfig withBroker(BrokerConfig settings) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, requestTimeout, stomp, settings, detectionTimeout, xmlrpc, apiStrict, tlsReload);
  }

  /** This config with other XML-RPC settings. */
  public VdsmServerConfig withXmlRpc(XmlRpcSettings settings) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, requestTimeout, stomp, broker, detectionTimeout, settings, apiStrict, tlsReload);
  }

  /** This config with strict API type checks on or off (see {@link #apiStrict()}). */
  public VdsmServerConfig withApiStrict(boolean strict) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, requestTimeout, stomp, broker, detectionTimeout, xmlrpc, strict, tlsReload);
  }

  /** This config with other TLS reload settings (CRL file, polling interval). */
  public VdsmServerConfig withTlsReload(TlsReloadSettings settings) {
    return new VdsmServerConfig(
        bindAddress, port, tlsMode, pki, tlsHandshakeTimeout, workerThreads, requestQueueCapacity, requestTimeout, stomp, broker, detectionTimeout, xmlrpc, apiStrict, settings);
  }

  /** This config with XML-RPC enabled or not (other XML-RPC settings kept). */
  public VdsmServerConfig withXmlRpcEnabled(boolean enabled) {
    return withXmlRpc(xmlrpc.withEnabled(enabled));
  }
}

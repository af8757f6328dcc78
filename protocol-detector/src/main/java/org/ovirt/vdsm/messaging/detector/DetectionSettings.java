package org.ovirt.vdsm.messaging.detector;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;

/**
 * How a port detects its protocols.
 *
 * @param tlsMode whether connections must, may or must not start with a TLS handshake
 * @param sslContext the server TLS context; {@code null} only when {@code tlsMode} is OFF
 * @param handshakeTimeout how long a TLS handshake may take (default 10 s)
 * @param detectionTimeout how long a client may take to send enough bytes to be recognised,
 *     counted from the accept and again from the end of the TLS handshake (default 10 s)
 * @param detectors the protocols, in the order they are tried
 */
public record DetectionSettings(
    TlsMode tlsMode,
    SslContext sslContext,
    Duration handshakeTimeout,
    Duration detectionTimeout,
    List<ProtocolDetector> detectors) {

  /** The default TLS handshake timeout. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** The default detection timeout. */
  public static final Duration DEFAULT_DETECTION_TIMEOUT = Duration.ofSeconds(10);

  public DetectionSettings {
    requireNonNull(tlsMode, "tlsMode");
    requireNonNull(handshakeTimeout, "handshakeTimeout");
    requireNonNull(detectionTimeout, "detectionTimeout");
    detectors = List.copyOf(requireNonNull(detectors, "detectors"));
    if (tlsMode != TlsMode.OFF && sslContext == null) {
      throw new IllegalArgumentException("TLS mode " + tlsMode + " needs an SslContext");
    }
    if (sslContext != null && sslContext.isClient()) {
      throw new IllegalArgumentException("a server SslContext is needed");
    }
    if (detectors.isEmpty()) {
      throw new IllegalArgumentException("at least one detector is needed");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()
        || detectionTimeout.isNegative() || detectionTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** Settings with the default timeouts. */
  public static DetectionSettings of(TlsMode tlsMode, SslContext sslContext, List<ProtocolDetector> detectors) {
    return new DetectionSettings(tlsMode, sslContext, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_DETECTION_TIMEOUT, detectors);
  }

  /** The byte budget: the longest prefix any detector needs. */
  public int byteBudget() {
    return detectors.stream().mapToInt(ProtocolDetector::bytesNeeded).max().orElse(0);
  }
}

package org.ovirt.vdsm.messaging.server.metrics;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateExpiredException;
import java.util.Locale;

/**
 * Why a TLS handshake failed, a bounded set of metrics labels. The JDK and OpenSSL (BoringSSL)
 * providers word their failures differently; both are recognised from the exception types and the
 * alert and reason names in the cause chain, and anything else is {@link #OTHER}.
 */
public enum TlsFailure {
  /** The handshake did not finish within the handshake timeout. */
  TIMEOUT,
  /** The peer sent plain text (or something else that is not TLS) on a TLS-only port. */
  NOT_TLS,
  /** The client sent no certificate although mutual TLS requires one. */
  NO_CLIENT_CERTIFICATE,
  /** A certificate is expired or not yet valid. */
  CERTIFICATE_EXPIRED,
  /** A certificate was not signed by the trusted CA, or was rejected by the peer. */
  UNTRUSTED_CERTIFICATE,
  /** No TLS version in common. */
  PROTOCOL_VERSION,
  /** No cipher suite in common. */
  NO_SHARED_CIPHER,
  /** The peer closed or reset the connection during the handshake. */
  CONNECTION_CLOSED,
  /** Anything else. */
  OTHER;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The metrics label ({@code timeout}, {@code untrusted_certificate}, ...). */
  public String label() {
    return label;
  }

  /** The reason of the failed handshake whose cause is {@code cause}. */
  public static TlsFailure of(Throwable cause) {
    StringBuilder text = new StringBuilder();
    int depth = 0;
    for (Throwable t = cause; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof SslHandshakeTimeoutException) {
        return TIMEOUT;
      }
      if (t instanceof NotSslRecordException) {
        return NOT_TLS;
      }
      if (t instanceof CertificateExpiredException) {
        return CERTIFICATE_EXPIRED;
      }
      if (t instanceof ClosedChannelException) {
        return CONNECTION_CLOSED;
      }
      text.append(t.getMessage()).append('\n');
    }
    String m = text.toString().toUpperCase(Locale.ROOT);
    if (contains(m, "EMPTY CLIENT CERTIFICATE", "PEER_DID_NOT_RETURN_A_CERTIFICATE", "CERTIFICATE_REQUIRED",
        "NULL CERT CHAIN", "PEER NOT AUTHENTICATED")) {
      return NO_CLIENT_CERTIFICATE;
    }
    if (contains(m, "CERTIFICATE_EXPIRED", "CERTIFICATE EXPIRED", "NOTAFTER", "NOT YET VALID")) {
      return CERTIFICATE_EXPIRED;
    }
    if (contains(m, "CERTIFICATION PATH", "CERTIFICATE_UNKNOWN", "UNKNOWN_CA", "BAD_CERTIFICATE",
        "CERTIFICATE_VERIFY_FAILED", "UNSUPPORTED_CERTIFICATE", "CERTPATH")) {
      return UNTRUSTED_CERTIFICATE;
    }
    if (contains(m, "PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL", "NO APPROPRIATE PROTOCOL",
        "WRONG_VERSION_NUMBER", "IS NOT ENABLED OR SUPPORTED")) {
      return PROTOCOL_VERSION;
    }
    if (contains(m, "NO_SHARED_CIPHER", "NO CIPHER SUITES IN COMMON", "NO_CIPHERS_AVAILABLE")) {
      return NO_SHARED_CIPHER;
    }
    if (contains(m, "CONNECTION RESET", "BROKEN PIPE", "CLOSED")) {
      return CONNECTION_CLOSED;
    }
    return OTHER;
  }

  private static boolean contains(String text, String... needles) {
    for (String n : needles) {
      if (text.contains(n)) {
        return true;
      }
    }
    return false;
  }
}

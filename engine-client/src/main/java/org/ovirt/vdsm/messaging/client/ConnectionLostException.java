package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd;

/**
 * The call could not be sent, or its connection failed or closed before the answer arrived. The
 * {@link #reason()} tells why. Code 5022 like a timeout, as the engine treats both as communication
 * failures. A request that was written may have run on the host; it is never sent again (at most
 * once): retrying is the caller's decision.
 */
public final class ConnectionLostException extends VdsmClientException {
  private static final long serialVersionUID = 1L;

  /** Why the connection is gone. */
  public enum Reason {
    /** A connection could not be made: refused, unreachable, unknown host, or connect timeout. */
    CONNECT_FAILED,
    /** The host closed the connection (TCP FIN, TLS close_notify). */
    CLOSED_BY_HOST,
    /** The connection failed with an I/O error (reset by the peer, broken pipe). */
    IO_ERROR,
    /** The TLS handshake failed or a TLS record was bad (certificate refused, name mismatch). */
    TLS,
    /** The host sent nothing, not even a heart-beat, for the negotiated interval plus the grace. */
    HEART_BEAT,
    /** The host broke the protocol: a STOMP ERROR frame, a malformed frame, an HTTP error status. */
    PROTOCOL,
    /** The call was made while there was no connection and the policy is to fail fast. */
    NOT_CONNECTED,
    /** The client was closed by its user. */
    CLIENT_CLOSED,
    /** Reconnecting was given up after the configured number of attempts. */
    GAVE_UP
  }

  private final Reason reason;

  /** A failure of reason {@link Reason#IO_ERROR}. */
  public ConnectionLostException(String message, Throwable cause) {
    this(Reason.IO_ERROR, message, cause);
  }

  /** A failure of {@code reason}, described by {@code message}, caused by {@code cause} (or null). */
  public ConnectionLostException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = requireNonNull(reason, "reason");
  }

  /** The failure of a STOMP session that ended as {@code end} says, with its message and cause. */
  public static ConnectionLostException from(SessionEnd end) {
    requireNonNull(end, "end");
    Reason reason = switch (end.reason()) {
      case CONNECT_FAILED -> Reason.CONNECT_FAILED;
      case CLOSED_BY_PEER -> Reason.CLOSED_BY_HOST;
      case IO_ERROR -> Reason.IO_ERROR;
      case TLS -> Reason.TLS;
      case HEART_BEAT -> Reason.HEART_BEAT;
      case PROTOCOL -> Reason.PROTOCOL;
      case CLOSED_LOCALLY -> Reason.CLIENT_CLOSED;
    };
    return new ConnectionLostException(reason, end.message(), end.cause());
  }

  /** Why the connection is gone. */
  public Reason reason() {
    return reason;
  }

  /** {@value JsonRpcError#MESSAGE_TIMEOUT}. */
  @Override
  public int code() {
    return JsonRpcError.MESSAGE_TIMEOUT;
  }
}

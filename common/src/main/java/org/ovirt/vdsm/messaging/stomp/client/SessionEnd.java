package org.ovirt.vdsm.messaging.stomp.client;

import static java.util.Objects.requireNonNull;

/**
 * Why a client STOMP session ended, reported once per session.
 *
 * @param reason the kind of end
 * @param message what happened, naming the peer ({@code cannot connect to h:p: ...}, {@code
 *     connection to h:p lost: ...})
 * @param cause the exception behind it, or {@code null}
 */
public record SessionEnd(Reason reason, String message, Throwable cause) {
  /** The kinds of end. */
  public enum Reason {
    /** No session was made: refused, unreachable, unknown host, connect timeout, closed before CONNECTED. */
    CONNECT_FAILED,
    /** The peer closed the connection (TCP FIN, TLS close_notify). */
    CLOSED_BY_PEER,
    /** The connection failed with an I/O error (reset by the peer, broken pipe). */
    IO_ERROR,
    /** The TLS handshake failed or a TLS record was bad. */
    TLS,
    /** The peer sent nothing, not even a heart-beat, for the negotiated interval plus the grace. */
    HEART_BEAT,
    /** The peer broke the protocol: an ERROR frame, a malformed frame. */
    PROTOCOL,
    /** This end closed the session. */
    CLOSED_LOCALLY
  }

  public SessionEnd {
    requireNonNull(reason, "reason");
    requireNonNull(message, "message");
  }
}

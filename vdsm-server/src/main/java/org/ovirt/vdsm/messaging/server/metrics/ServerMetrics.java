package org.ovirt.vdsm.messaging.server.metrics;

/**
 * What the host reports for its metrics: the JSON-RPC dispatcher its calls, the connection handlers
 * their connections, failed TLS handshakes, lost heart-beats and slow consumers cut. The guards'
 * refusals, the broker's subscriptions and queues are read from their own counts instead (see
 * {@link ServerMeters}). {@link #NONE} does nothing: with metrics off the hot path pays one call of
 * an empty method. Implementations are thread safe and never block.
 */
public interface ServerMetrics {
  /** Metrics off: every method does nothing. */
  ServerMetrics NONE = new ServerMetrics() {};

  /**
   * A call of {@code method} ended.
   *
   * @param method the method name as sent (an implementation bounds its labels)
   * @param nanos how long it ran, from hand-over to the worker until its answer; 0 when it did not
   *     run ({@link CallOutcome#REFUSED}, or a method not found)
   */
  default void callEnded(String method, CallOutcome outcome, long nanos) {}

  /** A connection was recognised as {@code protocol} ({@code stomp}, {@code stomp+tls}, ...). */
  default void connectionOpened(String protocol) {}

  /** A connection counted by {@link #connectionOpened} closed. */
  default void connectionClosed(String protocol) {}

  /** A TLS handshake failed (or could not start: plain text on a TLS-only port). */
  default void tlsHandshakeFailed(TlsFailure reason) {}

  /** A STOMP peer was silent past its negotiated heart-beat and was disconnected. */
  default void heartBeatLost() {}

  /** A peer that took no byte while its connection was full was cut as a slow consumer. */
  default void slowConsumerCut() {}
}

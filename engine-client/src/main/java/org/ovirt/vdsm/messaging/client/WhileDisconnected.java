package org.ovirt.vdsm.messaging.client;

/**
 * What a call made while its host has no STOMP session does (before the first connection, or while
 * reconnecting). Either way a request is written at most once: a call that was already written when
 * a connection failed fails with {@link ConnectionLostException}; only calls never written wait.
 */
public enum WhileDisconnected {
  /**
   * The call waits for the next session, within its own deadline (then {@link
   * CallTimeoutException}), counted against the pending-call limit. Waiting calls are sent, in the
   * order they were made, right after the new session's subscriptions.
   */
  WAIT,
  /** The call fails at once with {@link ConnectionLostException} of reason {@code NOT_CONNECTED}. */
  FAIL_FAST
}

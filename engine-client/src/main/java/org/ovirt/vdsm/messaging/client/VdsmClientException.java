package org.ovirt.vdsm.messaging.client;

/**
 * Why a call to a host failed. The subclasses tell the cases apart: {@link JsonRpcErrorException}
 * (the host answered with an error), {@link CallTimeoutException} (no answer within the deadline),
 * {@link ConnectionLostException} (no connection, or it failed or closed before the answer) and
 * {@link TooManyPendingCallsException} (refused locally: too many calls already wait for this host).
 *
 * <p>Every failure carries a JSON-RPC error {@link #code()}, so engine code that only looks at codes
 * keeps working: the host's own code, or the engine's codes for local failures.
 */
public abstract class VdsmClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected VdsmClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The JSON-RPC error code that stands for this failure (the engine's codes for local failures). */
  public abstract int code();
}

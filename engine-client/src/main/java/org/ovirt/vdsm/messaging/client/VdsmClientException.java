package org.ovirt.vdsm.messaging.client;

/**
 * Why a call to a host failed. The subclasses tell the cases apart: {@link JsonRpcErrorException}
 * (the host answered with an error), {@link CallTimeoutException} (no answer within the deadline)
 * and {@link ConnectionLostException} (the connection failed or closed before the answer).
 */
public abstract class VdsmClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected VdsmClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The JSON-RPC error code that stands for this failure (the engine's codes for local failures). */
  public abstract int code();
}

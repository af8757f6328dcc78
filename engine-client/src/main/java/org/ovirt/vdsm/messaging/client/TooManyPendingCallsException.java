package org.ovirt.vdsm.messaging.client;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * The call was refused before anything was sent: the host already has as many calls waiting for an
 * answer (or for a connection) as {@link EngineClientBuilder#maxPendingCalls} allows. Code
 * 1100, VDSM's "Not enough resources", on which the engine already backs off.
 */
public final class TooManyPendingCallsException extends VdsmClientException {
  private static final long serialVersionUID = 1L;

  /** A refusal described by {@code message}. */
  public TooManyPendingCallsException(String message) {
    super(message, null);
  }

  /** {@value JsonRpcError#NOT_ENOUGH_RESOURCES}. */
  @Override
  public int code() {
    return JsonRpcError.NOT_ENOUGH_RESOURCES;
  }
}

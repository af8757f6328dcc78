package org.ovirt.vdsm.messaging.client;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * No answer arrived within the call's deadline. Code 5022, as the engine reports it: "Message
 * timeout which can be caused by communication issues". The request may or may not have run on the
 * host; it is not sent again. A late answer is reported to the factory's unmatched-response handler.
 */
public final class CallTimeoutException extends VdsmClientException {
  private static final long serialVersionUID = 1L;

  /** A timeout described by {@code message} (host, method, deadline, request id). */
  public CallTimeoutException(String message) {
    super(message, null);
  }

  /** {@value JsonRpcError#MESSAGE_TIMEOUT}. */
  @Override
  public int code() {
    return JsonRpcError.MESSAGE_TIMEOUT;
  }
}

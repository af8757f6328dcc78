package org.ovirt.vdsm.messaging.client;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * The connection to the host could not be made, or failed or closed before the answer arrived
 * (refused, reset, closed by the host, TLS failure, heart-beat lost). Code 5022 like a timeout, as
 * the engine treats both as communication failures. A request that was written may have run.
 */
public final class ConnectionLostException extends VdsmClientException {
  private static final long serialVersionUID = 1L;

  public ConnectionLostException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int code() {
    return JsonRpcError.MESSAGE_TIMEOUT;
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * Thrown by an API method to answer its call with a JSON-RPC error, for example VDSM's {@code noVM}
 * (code 1). The message goes to the caller as it is: keep it free of internals.
 */
public class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient JsonRpcError error;

  public ApiException(JsonRpcError error) {
    super(requireNonNull(error, "error").message(), null, false, false);
    this.error = error;
  }

  public ApiException(int code, String message) {
    this(new JsonRpcError(code, message));
  }

  /** The error the caller receives. */
  public JsonRpcError error() {
    return error;
  }
}

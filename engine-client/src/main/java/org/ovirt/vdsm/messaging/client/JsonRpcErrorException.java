package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * The host answered the call with a JSON-RPC error (for example -32601, or VDSM's 1 {@code noVM});
 * over the legacy XML-RPC transport, a non-zero {@code status.code} or an XML-RPC fault.
 */
public final class JsonRpcErrorException extends VdsmClientException {
  private static final long serialVersionUID = 1L;

  private final transient JsonRpcError error;

  /** The failure of a call the host answered with {@code error}. */
  public JsonRpcErrorException(JsonRpcError error) {
    super(requireNonNull(error, "error").code() + ": " + error.message(), null);
    this.error = error;
  }

  /** The error object the host sent. */
  public JsonRpcError error() {
    return error;
  }

  /** The host's error code. */
  @Override
  public int code() {
    return error.code();
  }
}

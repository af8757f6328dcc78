package org.ovirt.vdsm.messaging.xmlrpc;

import com.google.gson.JsonElement;

/**
 * An XML-RPC {@code methodResponse}: exactly one of a result value and a fault.
 *
 * @param value the result on success ({@link com.google.gson.JsonNull} for {@code nil}), else
 *     {@code null}
 * @param fault the fault, else {@code null}
 */
public record XmlRpcResponse(JsonElement value, XmlRpcFault fault) {
  public XmlRpcResponse {
    if ((value == null) == (fault == null)) {
      throw new IllegalArgumentException("exactly one of value and fault must be set");
    }
  }

  /** Whether this is a result rather than a fault. */
  public boolean isSuccess() {
    return fault == null;
  }
}

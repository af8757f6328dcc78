package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;

/**
 * A JSON-RPC 2.0 request: a call that expects a response carrying the same {@code id}.
 *
 * @param id the id, possibly {@link JsonRpcId#NULL} ("The use of Null as a value for the id member
 *     in a Request object is discouraged" but legal)
 * @param method the method name, {@code Namespace.verb} for the host API
 * @param params a JSON object (by name) or array (by position), or {@code null} when omitted
 */
public record JsonRpcRequest(JsonRpcId id, String method, JsonElement params) implements JsonRpcMessage {
  public JsonRpcRequest {
    requireNonNull(id, "id");
    requireNonNull(method, "method");
    JsonRpcNotification.checkParams(params);
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;

/**
 * A JSON-RPC 2.0 notification: "a Request object without an id member"; it is never answered. Host
 * events are notifications.
 *
 * @param method the method name (for events, {@code |subsystem|event|objectId})
 * @param params a JSON object or array, or {@code null} when omitted
 */
public record JsonRpcNotification(String method, JsonElement params) implements JsonRpcMessage {
  public JsonRpcNotification {
    requireNonNull(method, "method");
    checkParams(params);
  }

  /** "If present, parameters for the rpc call MUST be provided as a Structured value." */
  static void checkParams(JsonElement params) {
    if (params != null && !params.isJsonObject() && !params.isJsonArray()) {
      throw new IllegalArgumentException("params must be an object or an array: " + params);
    }
  }
}

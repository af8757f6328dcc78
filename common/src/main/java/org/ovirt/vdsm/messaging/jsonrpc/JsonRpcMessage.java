package org.ovirt.vdsm.messaging.jsonrpc;

/**
 * One JSON-RPC 2.0 message: a request (has an id), a notification (has no {@code id} member at all)
 * or a response. A batch is a list of these.
 */
public sealed interface JsonRpcMessage
    permits JsonRpcRequest, JsonRpcNotification, JsonRpcResponse {

  /** The protocol version string every message carries in its {@code jsonrpc} member. */
  String VERSION = "2.0";
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;

/**
 * A JSON-RPC 2.0 response: exactly one of {@code result} (success) or {@code error} (failure).
 *
 * @param id the id of the request it answers; {@link JsonRpcId#NULL} when that id could not be read
 * @param result the result on success ({@link JsonNull#INSTANCE} for a {@code null} result), else
 *     {@code null}
 * @param error the error on failure, else {@code null}
 */
public record JsonRpcResponse(JsonRpcId id, JsonElement result, JsonRpcError error)
    implements JsonRpcMessage {
  public JsonRpcResponse {
    requireNonNull(id, "id");
    if ((result == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of result and error must be set");
    }
  }

  /** A success response; a Java {@code null} result becomes JSON {@code null}. */
  public static JsonRpcResponse success(JsonRpcId id, JsonElement result) {
    return new JsonRpcResponse(id, result == null ? JsonNull.INSTANCE : result, null);
  }

  /** An error response. */
  public static JsonRpcResponse failure(JsonRpcId id, JsonRpcError error) {
    return new JsonRpcResponse(id, null, requireNonNull(error, "error"));
  }

  public boolean isSuccess() {
    return error == null;
  }
}

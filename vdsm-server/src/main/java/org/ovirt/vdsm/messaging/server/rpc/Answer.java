package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;

/**
 * One call's outcome on its way to the encoder: exactly one of a result, kept as the method handed
 * it over (so it is written without a tree), or an error; with the id of the request it answers.
 */
record Answer(JsonRpcId id, ResultValue result, JsonRpcError error) {
  Answer {
    requireNonNull(id, "id");
    if ((result == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of result and error must be set");
    }
  }

  static Answer success(JsonRpcId id, ResultValue result) {
    return new Answer(id, requireNonNull(result, "result"), null);
  }

  static Answer failure(JsonRpcId id, JsonRpcError error) {
    return new Answer(id, null, requireNonNull(error, "error"));
  }

  /** The answer of a response that exists already (an error, or a result tree). */
  static Answer of(JsonRpcResponse response) {
    return response.isSuccess()
        ? success(response.id(), ResultValue.of(response.result()))
        : failure(response.id(), response.error());
  }

  boolean isSuccess() {
    return error == null;
  }

  /**
   * The answer as a response with a result tree (for bindings that need a tree); a result that
   * cannot be written as JSON becomes a -32603 error.
   */
  JsonRpcResponse toResponse() {
    if (!isSuccess()) {
      return JsonRpcResponse.failure(id, error);
    }
    try {
      return JsonRpcResponse.success(id, result.toTree());
    } catch (RuntimeException e) {
      return JsonRpcResponse.failure(id, BoundedAnswers.unwritable());
    }
  }
}

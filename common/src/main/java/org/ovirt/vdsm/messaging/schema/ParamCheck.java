package org.ovirt.vdsm.messaging.schema;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * The outcome of checking a request's params against the schema: the normalized params of a known
 * method, or the JSON-RPC error to answer with. Bad input is a value, never an exception.
 */
public sealed interface ParamCheck permits ParamCheck.Valid, ParamCheck.Invalid {

  /** Whether the params are valid. */
  default boolean isValid() {
    return this instanceof Valid;
  }

  /**
   * Params that fit the method.
   *
   * @param method the method called (its subsystem says which executor runs it)
   * @param params every parameter of the method by name, in schema order: the given value, or the
   *     default (possibly {@code null}) of an optional parameter that was omitted or {@code null}. A
   *     new object; nested values are shared with the request.
   */
  record Valid(MethodSchema method, JsonObject params) implements ParamCheck {
    public Valid {
      requireNonNull(method, "method");
      requireNonNull(params, "params");
    }
  }

  /**
   * Params that do not fit, or an unknown method.
   *
   * @param error {@code -32601} for an unknown method, {@code -32602} for params that do not fit,
   *     with a message naming each problem
   */
  record Invalid(JsonRpcError error) implements ParamCheck {
    public Invalid {
      requireNonNull(error, "error");
    }
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;

/**
 * One host API method, {@code Namespace.verb}. It receives its parameters by name (positional
 * parameters are mapped to names by the dispatcher) and returns its result; returning {@code null}
 * means "nothing to return", which the caller receives as {@code true} (VDSM's convention).
 *
 * <p>A method returns a Gson tree ({@link #invoke}); one whose result is large can instead hand
 * over a {@link ResultValue} that is written straight into the answer's bytes, by streaming or
 * pre-encoded ({@link #streaming}).
 */
@FunctionalInterface
public interface ApiMethod {
  /**
   * @param params the parameters by name; never {@code null}, empty when the call had none
   * @return the result, or {@code null} for none
   * @throws ApiException to answer with a specific JSON-RPC error
   */
  JsonElement invoke(JsonObject params) throws ApiException;

  /**
   * The result as the dispatcher writes it: by default the tree {@link #invoke} returns.
   *
   * @return the result, or {@code null} for none
   * @throws ApiException to answer with a specific JSON-RPC error
   */
  default ResultValue answer(JsonObject params) throws ApiException {
    JsonElement result = invoke(params);
    return result == null ? null : ResultValue.of(result);
  }

  /**
   * A method whose result is a {@link ResultValue}, written without a tree; {@link #invoke} (for
   * bindings that need a tree, such as XML-RPC) builds the tree from it.
   */
  static ApiMethod streaming(ValueMethod method) {
    requireNonNull(method, "method");
    return new ApiMethod() {
      @Override
      public JsonElement invoke(JsonObject params) throws ApiException {
        ResultValue result = method.answer(params);
        return result == null ? null : result.toTree();
      }

      @Override
      public ResultValue answer(JsonObject params) throws ApiException {
        return method.answer(params);
      }
    };
  }

  /** A method that answers with a {@link ResultValue}; see {@link #streaming}. */
  @FunctionalInterface
  interface ValueMethod {
    /**
     * @param params the parameters by name; never {@code null}
     * @return the result, or {@code null} for none
     * @throws ApiException to answer with a specific JSON-RPC error
     */
    ResultValue answer(JsonObject params) throws ApiException;
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * One host API method, {@code Namespace.verb}. It receives its parameters by name (positional
 * parameters are mapped to names by the dispatcher) and returns its result; returning {@code null}
 * means "nothing to return", which the caller receives as {@code true} (VDSM's convention).
 */
@FunctionalInterface
public interface ApiMethod {
  /**
   * @param params the parameters by name; never {@code null}, empty when the call had none
   * @return the result, or {@code null} for none
   * @throws ApiException to answer with a specific JSON-RPC error
   */
  JsonElement invoke(JsonObject params) throws ApiException;
}

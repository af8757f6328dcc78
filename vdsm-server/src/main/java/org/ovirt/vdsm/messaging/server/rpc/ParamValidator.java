package org.ovirt.vdsm.messaging.server.rpc;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import org.ovirt.vdsm.messaging.destinations.MethodSubsystems;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.schema.Subsystem;

/**
 * Checks a call's params before the method runs and gives them by name: positional params mapped
 * to names, omitted optional ones filled in. A refusal is an {@link ApiException} carrying -32602
 * (invalid params) with a message naming the parameter.
 */
@FunctionalInterface
public interface ParamValidator {
  /**
   * @param method the registered method being called
   * @param params the call's params: an object, an array, or {@code null}
   * @return the params by name
   * @throws ApiException when the params do not fit the method
   */
  JsonObject validate(MethodRegistry.Registration method, JsonElement params) throws ApiException;

  /**
   * The subsystem whose executor runs {@code method}; by default from its namespace ({@link
   * MethodSubsystems#byNamespace}).
   */
  default Subsystem subsystemOf(String method) {
    return MethodSubsystems.byNamespace(method);
  }

  /**
   * Maps positional params to the names the method was registered with and checks nothing else;
   * used for methods the schema does not describe.
   */
  ParamValidator BY_REGISTERED_NAMES = (method, params) -> {
    if (params == null) {
      return new JsonObject();
    }
    if (params.isJsonObject()) {
      return params.getAsJsonObject();
    }
    JsonArray positional = params.getAsJsonArray();
    List<String> names = method.paramNames();
    if (positional.size() > names.size()) {
      throw new ApiException(JsonRpcError.invalidParams(
          method.name() + " takes at most " + names.size() + " parameters, got " + positional.size()));
    }
    JsonObject named = new JsonObject();
    for (int i = 0; i < positional.size(); i++) {
      named.add(names.get(i), positional.get(i));
    }
    return named;
  };
}

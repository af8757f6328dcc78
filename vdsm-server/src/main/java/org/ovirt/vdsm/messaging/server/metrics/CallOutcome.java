package org.ovirt.vdsm.messaging.server.metrics;

import java.util.Locale;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * How a call ended, a bounded set of metrics labels: the result, or the class of its error code.
 */
public enum CallOutcome {
  /** A result. */
  OK,
  /** The caller's mistake: JSON-RPC -32700 and -32600 to -32602 (parse, request, method, params). */
  REQUEST_ERROR,
  /** The host's failure: -32603, the server-error range -32099 to -32001, VDSM's 100. */
  INTERNAL_ERROR,
  /** Any other VDSM error code the API answered with (1 "no VM", 4 "VM exists", ...). */
  API_ERROR,
  /** Still running at its deadline: answered -32000 and cancelled. */
  TIMEOUT,
  /** Not run: the subsystem's queue was full, answered 1100 at once. */
  REFUSED;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The metrics label ({@code ok}, {@code request_error}, ...). */
  public String label() {
    return label;
  }

  /** The class of an error {@code code} other than the dispatcher's own timeout and refusal. */
  public static CallOutcome ofError(int code) {
    if (code == JsonRpcError.PARSE_ERROR || (code >= JsonRpcError.INVALID_PARAMS && code <= JsonRpcError.INVALID_REQUEST)) {
      return REQUEST_ERROR;
    }
    if (code == JsonRpcError.INTERNAL_ERROR || (code >= -32099 && code <= -32000)
        || code == JsonRpcError.GENERAL_EXCEPTION) {
      return INTERNAL_ERROR;
    }
    return code == JsonRpcError.NOT_ENOUGH_RESOURCES ? REFUSED : API_ERROR;
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;

/**
 * The error object of a JSON-RPC 2.0 response (section 5.1), with the standard codes and the host
 * error codes VDSM uses. {@code data} never carries class names or stack traces.
 *
 * @param code the error code
 * @param message a short description
 * @param data extra information, or {@code null} when absent
 */
public record JsonRpcError(int code, String message, JsonElement data) {
  /** "Invalid JSON was received by the server." */
  public static final int PARSE_ERROR = -32700;
  /** "The JSON sent is not a valid Request object." */
  public static final int INVALID_REQUEST = -32600;
  /** "The method does not exist / is not available." */
  public static final int METHOD_NOT_FOUND = -32601;
  /** "Invalid method parameter(s)." */
  public static final int INVALID_PARAMS = -32602;
  /** "Internal JSON-RPC error." */
  public static final int INTERNAL_ERROR = -32603;

  /** VDSM {@code noVM}: "Virtual machine does not exist". */
  public static final int NO_VM = 1;
  /** VDSM {@code exist}: "Virtual machine already exists". */
  public static final int VM_EXISTS = 4;
  /** VDSM: "Recovery is in progress". */
  public static final int RECOVERY_IN_PROGRESS = 99;
  /** VDSM: "General Exception". */
  public static final int GENERAL_EXCEPTION = 100;
  /** VDSM: "Not enough resources" (the request queue is full: back off). */
  public static final int NOT_ENOUGH_RESOURCES = 1100;
  /** The engine's client-side timeout: "Message timeout which can be caused by communication issues". */
  public static final int MESSAGE_TIMEOUT = 5022;

  public JsonRpcError {
    requireNonNull(message, "message");
  }

  public JsonRpcError(int code, String message) {
    this(code, message, null);
  }

  public static JsonRpcError parseError(String detail) {
    return new JsonRpcError(PARSE_ERROR, "Parse error: " + detail);
  }

  public static JsonRpcError invalidRequest(String detail) {
    return new JsonRpcError(INVALID_REQUEST, "Invalid request: " + detail);
  }

  public static JsonRpcError methodNotFound(String method) {
    return new JsonRpcError(METHOD_NOT_FOUND, "Method not found: " + method);
  }

  public static JsonRpcError invalidParams(String detail) {
    return new JsonRpcError(INVALID_PARAMS, "Invalid params: " + detail);
  }

  public static JsonRpcError internalError(String detail) {
    return new JsonRpcError(INTERNAL_ERROR, "Internal error: " + detail);
  }
}

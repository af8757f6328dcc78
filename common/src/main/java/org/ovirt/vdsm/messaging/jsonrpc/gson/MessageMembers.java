package org.ovirt.vdsm.messaging.jsonrpc.gson;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Invalid;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Item;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Valid;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;

/**
 * Internal: the members of one JSON object that a JSON-RPC 2.0 message is made of, as {@link
 * PayloadReader} read them, and what they make: a {@link Valid} request, notification or response,
 * or an {@link Invalid} item whose {@code -32600} detail names the first rule broken. A component is
 * {@code null} when its member is absent.
 *
 * @param jsonrpc the {@code jsonrpc} member
 * @param method the {@code method} member
 * @param params the {@code params} member
 * @param idMember the {@code id} member ({@code null} when absent, JSON null when {@code "id": null})
 * @param result the {@code result} member
 * @param error the {@code error} member
 * @param duplicate the first member name of the object that appeared twice
 * @param nestedDuplicate the detail of the first duplicate member name inside a kept member value
 */
record MessageMembers(
    JsonElement jsonrpc,
    JsonElement method,
    JsonElement params,
    JsonElement idMember,
    JsonElement result,
    JsonElement error,
    String duplicate,
    String nestedDuplicate) {

  private static final int MAX_ECHO = 100;

  /** Classifies the object: the first rule it breaks, in the order below, decides its error. */
  Item classify() {
    // The id is read first so that every later error can echo it when it is of a valid kind.
    JsonRpcId id = null;
    String idProblem = null;
    if (idMember != null && !"id".equals(duplicate)) {
      if (idMember.isJsonNull()) {
        id = JsonRpcId.NULL;
      } else if (isString(idMember)) {
        id = new JsonRpcId.StringId(idMember.getAsString());
      } else if (isNumber(idMember)) {
        try {
          id = new JsonRpcId.NumberId(new BigDecimal(idMember.getAsString()));
        } catch (NumberFormatException e) {
          idProblem = "'id' is a number out of range";
        }
      } else {
        idProblem = "'id' must be a string, a number or null";
      }
    }
    JsonRpcId echo = id == null ? JsonRpcId.NULL : id;

    if (duplicate != null) {
      return invalid(echo, "duplicate member '" + shorten(duplicate) + "'");
    }
    if (nestedDuplicate != null) {
      return invalid(echo, nestedDuplicate);
    }
    if (jsonrpc == null) {
      return invalid(echo, "missing 'jsonrpc' member (must be \"2.0\")");
    }
    if (!isString(jsonrpc) || !JsonRpcMessage.VERSION.equals(jsonrpc.getAsString())) {
      return invalid(echo, "'jsonrpc' must be the string \"2.0\"");
    }
    if (idProblem != null) {
      return invalid(JsonRpcId.NULL, idProblem);
    }
    if (method != null) {
      if (!isString(method)) {
        return invalid(echo, "'method' must be a string");
      }
      if (params != null && !params.isJsonObject() && !params.isJsonArray()) {
        return invalid(echo, "'params' must be an object or an array");
      }
      JsonRpcMessage message =
          idMember == null
              // "A Notification is a Request object without an "id" member."
              ? new JsonRpcNotification(method.getAsString(), params)
              : new JsonRpcRequest(id, method.getAsString(), params);
      return new Valid(message);
    }
    if (result == null && error == null) {
      return invalid(echo, "the object has no 'method', 'result' or 'error' member");
    }
    if (result != null && error != null) {
      // "Either the result member or error member MUST be included, but both members MUST NOT be."
      return invalid(echo, "a response must not have both 'result' and 'error'");
    }
    if (id == null) {
      return invalid(JsonRpcId.NULL, "a response must have an 'id' member");
    }
    if (result != null) {
      return new Valid(new JsonRpcResponse(id, result, null));
    }
    if (!error.isJsonObject()) {
      return invalid(id, "'error' must be an object");
    }
    JsonObject errorObject = error.getAsJsonObject();
    JsonElement code = errorObject.get("code");
    JsonElement message = errorObject.get("message");
    if (code == null) {
      return invalid(id, "'error' must have a 'code' member");
    }
    int codeValue;
    try {
      if (!isNumber(code)) {
        throw new NumberFormatException();
      }
      codeValue = new BigDecimal(code.getAsString()).intValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return invalid(id, "'error.code' must be an integer in the 32-bit range");
    }
    if (message == null) {
      return invalid(id, "'error' must have a 'message' member");
    }
    if (!isString(message)) {
      return invalid(id, "'error.message' must be a string");
    }
    // An explicit "data": null is kept as JSON null; an absent member is Java null.
    JsonRpcError rpcError = new JsonRpcError(codeValue, message.getAsString(), errorObject.get("data"));
    return new Valid(JsonRpcResponse.failure(id, rpcError));
  }

  private static boolean isString(JsonElement e) {
    return e instanceof JsonPrimitive p && p.isString();
  }

  private static boolean isNumber(JsonElement e) {
    return e instanceof JsonPrimitive p && p.isNumber();
  }

  /** Member names come from the peer: echo at most {@value #MAX_ECHO} characters of them. */
  static String shorten(String text) {
    return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
  }

  static Invalid invalid(JsonRpcId id, String detail) {
    return new Invalid(id, JsonRpcError.invalidRequest(detail));
  }
}

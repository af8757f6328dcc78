package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Objects;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;

/**
 * One call to make: method, params, and optionally its own deadline and flow id. Immutable; the
 * {@code with...} methods return a changed copy.
 *
 * <pre>{@code
 * RpcCall call = RpcCall.of("VM.getStats").withParam("vmID", vmId).withTimeout(Duration.ofSeconds(30));
 * }</pre>
 *
 * <ul>
 *   <li>{@code timeout} {@code null}: the factory's {@linkplain
 *       EngineClientBuilder#defaultTimeout default deadline}.
 *   <li>{@code flowId} {@code null}: the value of the SLF4J MDC key {@value
 *       HostClient#FLOW_ID_MDC_KEY} on the calling thread when the call is made, if any. It travels
 *       as the STOMP header {@code ovirtCorrelationId} (HTTP header {@code FlowID} over XML-RPC).
 * </ul>
 */
public final class RpcCall {
  private final String method;
  private final JsonElement params;
  private final Duration timeout;
  private final String flowId;

  private RpcCall(String method, JsonElement params, Duration timeout, String flowId) {
    this.method = method;
    this.params = params;
    this.timeout = timeout;
    this.flowId = flowId;
  }

  /** A call of {@code method} ({@code Namespace.verb}) without params. */
  public static RpcCall of(String method) {
    return of(method, null);
  }

  /**
   * A call of {@code method} with {@code params}.
   *
   * @param params a JSON object (by name) or array (by position), or {@code null} for none
   * @throws IllegalArgumentException when params is neither an object, an array nor {@code null}
   */
  public static RpcCall of(String method, JsonElement params) {
    requireNonNull(method, "method");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
    return new RpcCall(method, checkParams(params), null, null);
  }

  private static JsonElement checkParams(JsonElement params) {
    if (params != null && !params.isJsonObject() && !params.isJsonArray()) {
      throw new IllegalArgumentException("params must be a JSON object or array: " + params);
    }
    return params == null ? null : params.deepCopy();
  }

  /** The method, {@code Namespace.verb}. */
  public String method() {
    return method;
  }

  /** The params (a copy), or {@code null} for none. */
  public JsonElement params() {
    return params == null ? null : params.deepCopy();
  }

  /** The call's own deadline, or {@code null} for the factory's default. */
  public Duration timeout() {
    return timeout;
  }

  /** The call's own flow id, or {@code null} to take the one in the MDC. */
  public String flowId() {
    return flowId;
  }

  /** This call with other params. */
  public RpcCall withParams(JsonElement newParams) {
    return new RpcCall(method, checkParams(newParams), timeout, flowId);
  }

  /**
   * This call with the named param {@code name} set to {@code value}, converted with {@link
   * JsonRpcCodec#gson()} ({@code null} becomes JSON {@code null}).
   *
   * @throws IllegalStateException when the params are an array (by position)
   */
  public RpcCall withParam(String name, Object value) {
    requireNonNull(name, "name");
    if (params != null && !params.isJsonObject()) {
      throw new IllegalStateException("params are by position; cannot add the named param " + name);
    }
    JsonObject named = params == null ? new JsonObject() : params.getAsJsonObject().deepCopy();
    named.add(name, value instanceof JsonElement e ? e.deepCopy() : JsonRpcCodec.gson().toJsonTree(value));
    return new RpcCall(method, named, timeout, flowId);
  }

  /**
   * This call with its own deadline.
   *
   * @throws IllegalArgumentException when the timeout is not positive
   */
  public RpcCall withTimeout(Duration newTimeout) {
    requireNonNull(newTimeout, "timeout");
    if (newTimeout.isNegative() || newTimeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + newTimeout);
    }
    return new RpcCall(method, params, newTimeout, flowId);
  }

  /** This call with an explicit flow id ({@code null}: take the MDC's). */
  public RpcCall withFlowId(String newFlowId) {
    return new RpcCall(method, params, timeout, newFlowId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RpcCall c
        && method.equals(c.method)
        && Objects.equals(params, c.params)
        && Objects.equals(timeout, c.timeout)
        && Objects.equals(flowId, c.flowId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, params, timeout, flowId);
  }

  /** Method, timeout and flow id; never the params (they may hold passwords). */
  @Override
  public String toString() {
    return "RpcCall{" + method + (timeout == null ? "" : ", timeout " + timeout.toMillis() + " ms")
        + (flowId == null ? "" : ", flow " + flowId) + "}";
  }
}

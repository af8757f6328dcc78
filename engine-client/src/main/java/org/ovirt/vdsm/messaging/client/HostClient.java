package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ovirt.vdsm.messaging.client.internal.ClientStompHandler;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.slf4j.MDC;

/**
 * A connection to one host, made by {@link EngineClientFactory#connect}. Calls are asynchronous and
 * thread safe; each completes with the result, or fails with a {@link VdsmClientException}: {@link
 * JsonRpcErrorException}, {@link CallTimeoutException} or {@link ConnectionLostException}. A
 * request is sent once and never again (a retry is the caller's decision).
 */
public final class HostClient implements AutoCloseable {
  /** The SLF4J MDC key a call's flow id is taken from when none is given. */
  public static final String FLOW_ID_MDC_KEY = "ovirtCorrelationId";

  private final String name;
  private final Channel channel;
  private final ClientStompHandler handler;
  private final Duration defaultTimeout;

  HostClient(String name, Channel channel, ClientStompHandler handler, Duration defaultTimeout) {
    this.name = name;
    this.channel = channel;
    this.handler = handler;
    this.defaultTimeout = defaultTimeout;
  }

  /** {@code host:port} as given to {@link EngineClientFactory#connect}. */
  public String name() {
    return name;
  }

  /** Whether the connection is open. */
  public boolean isOpen() {
    return channel.isActive();
  }

  /**
   * Calls {@code method} with the default deadline; the flow id comes from the MDC, if set.
   *
   * @param params a JSON object (by name) or array (by position), or {@code null} for none
   */
  public CompletableFuture<JsonElement> call(String method, JsonElement params) {
    return call(method, params, defaultTimeout, MDC.get(FLOW_ID_MDC_KEY));
  }

  /**
   * Calls {@code method}.
   *
   * @param params a JSON object or array, or {@code null}
   * @param timeout the deadline, after which the call fails with {@link CallTimeoutException}
   * @param flowId sent as {@code ovirtCorrelationId}, or {@code null} for none
   */
  public CompletableFuture<JsonElement> call(String method, JsonElement params, Duration timeout, String flowId) {
    JsonRpcRequest request = new JsonRpcRequest(JsonRpcId.random(), requireNonNull(method, "method"), params);
    requireNonNull(timeout, "timeout");
    return handler.call(
        request.id(), JsonRpcCodec.encode(request), EngineClientFactory.REQUESTS, timeout, flowId);
  }

  /** Calls {@code method} and converts the result to {@code type} with Gson. */
  public <T> CompletableFuture<T> call(String method, JsonElement params, Class<T> type) {
    requireNonNull(type, "type");
    return call(method, params).thenApply(result -> JsonRpcCodec.gson().fromJson(result, type));
  }

  /** How many calls are waiting for their answer. */
  public int pendingCalls() {
    return handler.pendingCount();
  }

  /**
   * Unsubscribes, sends DISCONNECT and waits up to {@code wait} for the host's receipt, then closes
   * the connection. Calls still in flight fail with {@link ConnectionLostException}.
   *
   * @return whether the host confirmed the DISCONNECT before the connection closed
   */
  public boolean disconnect(Duration wait) {
    requireNonNull(wait, "wait");
    try {
      return handler.disconnect().get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } finally {
      channel.close().awaitUninterruptibly(wait.toMillis());
    }
  }

  /** {@link #disconnect} waiting at most two seconds for the receipt. */
  @Override
  public void close() {
    disconnect(Duration.ofSeconds(2));
  }
}

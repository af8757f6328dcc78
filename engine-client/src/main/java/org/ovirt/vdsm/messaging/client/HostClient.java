package org.ovirt.vdsm.messaging.client;

import com.google.gson.JsonElement;
import com.google.gson.reflect.TypeToken;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;

/**
 * The engine's client of one host, made by {@link EngineClientFactory}: JSON-RPC over one STOMP
 * connection ({@link EngineClientFactory#open}, {@link EngineClientFactory#connect}) or legacy
 * XML-RPC over HTTP ({@link EngineClientFactory#openXmlRpc}), behind the same methods.
 *
 * <p><b>Calls</b> are asynchronous and thread safe. Each returns a future that completes with the
 * result or fails with a {@link VdsmClientException}: {@link JsonRpcErrorException} (the host's
 * error), {@link CallTimeoutException} (5022, no answer within the deadline), {@link
 * ConnectionLostException} (no connection, or it failed before the answer; see its reason) or
 * {@link TooManyPendingCallsException} (1100, refused locally). A request is written at most once,
 * never re-sent behind the caller's back. Futures complete on the factory's worker threads, never on
 * a network thread; dependent stages that block should use the {@code ...Async} variants.
 *
 * <p><b>Sides</b>: this object sends to the VDS side ({@code jms.topic.vdsm_requests}, answers on
 * {@code jms.topic.vdsm_responses}); {@link #irs()} is a view of the same connection for the
 * storage side ({@code jms.topic.vdsm_irs_requests}, answers on {@code jms.topic.vdsm_irs_responses}).
 *
 * <p><b>Events</b>: {@link #subscribe(String, Flow.Subscriber)} with the engine's patterns
 * {@code receiver|subsystem|event|id}; see {@link EventSubscription}.
 */
public interface HostClient extends AutoCloseable {
  /** The SLF4J MDC key a call's flow id is taken from when the call gives none. */
  String FLOW_ID_MDC_KEY = "ovirtCorrelationId";

  /** The connection state of a host client. */
  enum State {
    /** Connecting (TCP, TLS, STOMP CONNECT), first time or again. */
    CONNECTING,
    /** A session is established and subscribed: calls are written at once. */
    CONNECTED,
    /** The connection failed or was lost; the next attempt is scheduled by the reconnect policy. */
    DISCONNECTED,
    /** Closed by its user, or reconnecting was given up. Final. */
    CLOSED
  }

  /** Told about every state change of a host client. */
  @FunctionalInterface
  interface StateListener {
    /**
     * Called on a worker thread, in order, once per change.
     *
     * @param client the client whose state changed
     * @param state the new state
     * @param cause why the connection went ({@code DISCONNECTED}, {@code CLOSED}), else {@code null}
     */
    void stateChanged(HostClient client, State state, VdsmClientException cause);
  }

  /** The host name or address as given to the factory: the receiver part of its events. */
  String host();

  /** The port. */
  int port();

  /** {@code host:port}, for messages. */
  String name();

  /** The current state. */
  State state();

  /** Whether a session is established now ({@link State#CONNECTED}). */
  default boolean isOpen() {
    return state() == State.CONNECTED;
  }

  /** Registers a listener for state changes (it is not told the current state). */
  void addStateListener(StateListener listener);

  /**
   * The storage ("IRS") side of this host on the same connection. Calls made through it go to the
   * IRS request destination with the IRS reply-to; everything else (state, events, close) is the
   * shared connection's. Over XML-RPC both sides are the same endpoint and this returns {@code this}.
   */
  HostClient irs();

  /**
   * Makes a call.
   *
   * @return the future of the result ({@link com.google.gson.JsonNull} for a JSON {@code null})
   */
  CompletableFuture<JsonElement> call(RpcCall call);

  /**
   * Makes several calls in one message (a JSON-RPC batch in one STOMP frame), each with its own
   * future and deadline, in the order given. The frame carries the flow id of the first call that
   * has one (else the MDC's). Over XML-RPC, which has no batches, each call is sent on its own.
   *
   * @param calls at least one
   * @return one future per call, in the same order
   */
  List<CompletableFuture<JsonElement>> batch(List<RpcCall> calls);

  /**
   * Calls {@code method} with the default deadline; the flow id comes from the MDC, if set.
   *
   * @param params a JSON object (by name) or array (by position), or {@code null} for none
   */
  default CompletableFuture<JsonElement> call(String method, JsonElement params) {
    return call(RpcCall.of(method, params));
  }

  /**
   * Calls {@code method} with its own deadline and flow id.
   *
   * @param timeout the deadline, after which the call fails with {@link CallTimeoutException}
   * @param flowId sent as {@code ovirtCorrelationId}, or {@code null} for the MDC's
   */
  default CompletableFuture<JsonElement> call(String method, JsonElement params, Duration timeout, String flowId) {
    return call(RpcCall.of(method, params).withTimeout(timeout).withFlowId(flowId));
  }

  /** Calls {@code method} and converts the result to {@code type} with {@link JsonRpcCodec#gson()}. */
  default <T> CompletableFuture<T> call(String method, JsonElement params, Class<T> type) {
    return call(RpcCall.of(method, params), type);
  }

  /**
   * Makes a call and converts the result to {@code type} with {@link JsonRpcCodec#gson()}; a result
   * that does not fit fails the future with Gson's {@code JsonParseException}. See {@link
   * #call(RpcCall, TypeToken)}.
   */
  default <T> CompletableFuture<T> call(RpcCall call, Class<T> type) {
    java.util.Objects.requireNonNull(type, "type");
    return call(call, TypeToken.get(type));
  }

  /**
   * Makes a call and reads the result as {@code type} with {@link JsonRpcCodec#gson()}'s adapter of
   * it. Over JSON-RPC/STOMP a plain single answer is read straight from the message's bytes with
   * Gson's streaming reader, without a tree in between (much cheaper for large results); any other
   * answer is decoded as usual and then converted. A result that does not fit the type fails the
   * future with Gson's {@code JsonParseException}.
   */
  default <T> CompletableFuture<T> call(RpcCall call, TypeToken<T> type) {
    java.util.Objects.requireNonNull(type, "type");
    return call(call).thenApply(result -> JsonRpcCodec.gson().fromJson(result, type));
  }

  /**
   * Subscribes to this host's events matching {@code pattern}, with {@link Flow} backpressure:
   * nothing is delivered before {@code request(n)}. {@code onSubscribe} comes first; {@code
   * onComplete} when the client is closed, {@code onError} when reconnecting is given up.
   *
   * @param pattern {@code receiver|subsystem|event|id}; {@code *} matches any one part; the receiver
   *     is {@code *} or this client's {@link #host()} exactly; {@code *|*|*|*} is refused
   * @throws IllegalArgumentException for a malformed or refused pattern
   * @throws UnsupportedOperationException over XML-RPC, which has no events
   */
  EventSubscription subscribe(String pattern, Flow.Subscriber<? super HostEvent> subscriber);

  /**
   * Subscribes to this host's events matching {@code pattern} with a callback that gets every
   * event (unbounded demand; the queue bound still applies). An exception thrown by the callback is
   * logged and delivery goes on.
   *
   * @see #subscribe(String, Flow.Subscriber)
   */
  EventSubscription subscribe(String pattern, Consumer<? super HostEvent> callback);

  /** How many calls are waiting for their answer or for a connection. */
  int pendingCalls();

  /**
   * Closes: unsubscribes, sends DISCONNECT with a receipt, waits for the receipt up to {@code wait},
   * then closes the connection. Calls not answered yet fail with {@link ConnectionLostException}
   * ({@code CLIENT_CLOSED}); subscribers get {@code onComplete}. Must not be called on a network
   * thread; see {@link #closeAsync()}.
   *
   * @return whether the host confirmed the DISCONNECT
   */
  boolean disconnect(Duration wait);

  /**
   * {@link #disconnect} without blocking: the future completes when the connection is closed, with
   * whether the host confirmed the DISCONNECT (waiting at most two seconds for it).
   */
  CompletableFuture<Boolean> closeAsync();

  /** {@link #disconnect} waiting at most two seconds for the receipt. */
  @Override
  default void close() {
    disconnect(Duration.ofSeconds(2));
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The host's JSON-RPC endpoint: takes request bodies from any source (a direct STOMP connection, a
 * broker subscription) and answers each through the {@link ReplyTarget} it came with, so the
 * source decides how the answer travels. Calls run on the {@link JsonRpcDispatcher}'s executors.
 */
public final class RpcEndpoint {
  private final JsonRpcDispatcher dispatcher;

  public RpcEndpoint(JsonRpcDispatcher dispatcher) {
    this.dispatcher = requireNonNull(dispatcher, "dispatcher");
  }

  /**
   * Handles one message body: its answer, if any, goes to {@code target}.
   *
   * @param body the JSON-RPC message body as received
   * @param flowId the request's {@code ovirtCorrelationId}, or {@code null}
   * @return completes once the body is fully handled (answered, or nothing to answer); each call is
   *     bounded by the dispatcher's request deadline
   */
  public CompletableFuture<Void> handle(byte[] body, String flowId, ReplyTarget target) {
    requireNonNull(body, "body");
    requireNonNull(target, "target");
    return dispatcher.dispatch(body, flowId, target::reply);
  }

  /**
   * {@link #handle(byte[], String, ReplyTarget)} for a request that carries its own deadline: each
   * call is bounded by the earlier of {@code timeout} (the request's time left) and the server's
   * request timeout.
   *
   * @param timeout the request's time left, positive
   */
  public CompletableFuture<Void> handle(byte[] body, String flowId, Duration timeout, ReplyTarget target) {
    requireNonNull(body, "body");
    requireNonNull(target, "target");
    return dispatcher.dispatch(body, flowId, timeout, target::reply);
  }
}

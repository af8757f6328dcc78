package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.TooManyPendingCallsException;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;

/**
 * Turns the calls of one submit into requests on their way: validates them, reserves their room
 * in the {@link CallTracker} (or fails them all when the host has too many waiting), plans the
 * messages ({@link MessagePlan}: one per route, or one per call when batches go as separate
 * requests), registers each message with its calls' deadlines and hands it to the transport.
 *
 * <p>Thread-safe: called by any caller thread.
 */
final class CallSubmitter {
  private final String name;
  private final Duration defaultTimeout;
  private final boolean batchesAsSeparateRequests;
  private final CallTracker calls;
  private final HostTransport transport;
  private final BooleanSupplier closed;

  /**
   * @param name the host client's name, for messages
   * @param defaultTimeout the deadline of calls that give none
   * @param batchesAsSeparateRequests whether a batch goes as one request per call
   * @param closed whether the host client is closed (calls then fail with the transport's reason)
   */
  CallSubmitter(String name, Duration defaultTimeout, boolean batchesAsSeparateRequests, CallTracker calls,
      HostTransport transport, BooleanSupplier closed) {
    this.name = requireNonNull(name, "name");
    this.defaultTimeout = requireNonNull(defaultTimeout, "defaultTimeout");
    this.batchesAsSeparateRequests = batchesAsSeparateRequests;
    this.calls = requireNonNull(calls, "calls");
    this.transport = requireNonNull(transport, "transport");
    this.closed = requireNonNull(closed, "closed");
  }

  /**
   * The futures of {@code rpcCalls} for {@code side}, in call order, sent as one batch per route
   * when {@code asBatch}; {@code types} is the type each call wants its result as ({@code null}:
   * trees).
   */
  <T> List<CompletableFuture<T>> submit(Side side, List<RpcCall> rpcCalls, boolean asBatch, List<Type> types) {
    requireNonNull(rpcCalls, "calls");
    if (rpcCalls.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one call");
    }
    for (RpcCall c : rpcCalls) {
      requireNonNull(c, "call");
    }
    int n = rpcCalls.size();
    if (closed.getAsBoolean()) {
      return failedAll(n, transport.closedFailure());
    }
    if (!calls.reserve(n)) {
      return failedAll(n, new TooManyPendingCallsException(
          name + " already has " + calls.pendingCount() + " calls waiting (limit " + calls.maxPending() + ")"));
    }
    MessagePlan plan;
    try {
      plan = MessagePlan.of(side, rpcCalls, asBatch, batchesAsSeparateRequests, transport);
    } catch (RuntimeException e) {
      calls.unreserve(n);
      throw e;
    }
    List<List<Integer>> groups = plan.groups();
    List<OutgoingRequest> messages = new ArrayList<>(groups.size());
    List<CompletableFuture<T>> futures = new ArrayList<>(Collections.nCopies(n, null));
    int registered = 0;
    int g = 0;
    for (List<Integer> group : groups) {
      List<JsonRpcRequest> part = new ArrayList<>(group.size());
      List<Duration> timeouts = new ArrayList<>(group.size());
      List<Type> partTypes = types == null ? null : new ArrayList<>(group.size());
      for (int i : group) {
        part.add(plan.requests().get(i));
        if (partTypes != null) {
          partTypes.add(types.get(i));
        }
        Duration t = rpcCalls.get(i).timeout();
        timeouts.add(t == null ? defaultTimeout : t);
      }
      OutgoingRequest message;
      try {
        message = calls.register(plan.routes().get(group.get(0)), plan.bodies().get(g++), plan.flowId(), part, timeouts,
            partTypes);
      } catch (RejectedExecutionException e) {
        // The loop is shut down (factory closed). This group's calls are registered: failAll settles
        // them with every earlier one; the room of the groups not registered is given back.
        calls.unreserve(n - registered - group.size());
        ConnectionLostException factoryClosed =
            new ConnectionLostException(Reason.CLIENT_CLOSED, "the client factory is closed", e);
        calls.failAll(factoryClosed);
        return failedAll(n, factoryClosed);
      }
      registered += group.size();
      messages.add(message);
      List<CompletableFuture<T>> own = CallTracker.futures(message);
      for (int k = 0; k < group.size(); k++) {
        futures.set(group.get(k), own.get(k));
      }
    }
    for (OutgoingRequest message : messages) {
      transport.send(message);
    }
    return futures;
  }

  private static <T> List<CompletableFuture<T>> failedAll(int n, VdsmClientException failure) {
    List<CompletableFuture<T>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(CompletableFuture.failedFuture(failure));
    }
    return futures;
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.util.Optional;
import java.util.function.Supplier;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcLimits;
import org.ovirt.vdsm.messaging.jsonrpc.TypedSuccess;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The calls of one host in flight: pending calls by request id, the bound on how many may wait,
 * deadlines, matching answers to calls, and attributing {@code "id": null} errors. Whoever removes
 * a call (answer, deadline, connection loss, close) completes its future, exactly once; futures
 * complete on the host's answers lane, never on a network thread.
 *
 * <p>An answer whose id this tracker never issued belongs to another client that shares the reply
 * destination (a host delivers each answer to every subscription of the reply-to): it is logged at
 * DEBUG and is no error of this client. An answer to a call that already timed out is late: it is
 * logged as a warning and reported as unmatched.
 */
public final class CallTracker {
  private static final Logger log = LoggerFactory.getLogger(CallTracker.class);

  /** How many ids of timed-out calls are remembered to recognise their late answers. */
  static final int REMEMBERED_TIMEOUTS = 4096;

  private final String name;
  private final int maxPending;
  private final Timer deadlines;
  private final SerialLane answers;
  private final Consumer<JsonRpcResponse> unmatched;
  private final Consumer<OutgoingRequest> unsentSettled;
  private final ConcurrentHashMap<JsonRpcId, OutgoingRequest.Call> pending = new ConcurrentHashMap<>();
  private final AtomicInteger reserved = new AtomicInteger();
  /** Pending calls that want their result as a type (the typed reading is tried only then). */
  private final AtomicInteger typedPending = new AtomicInteger();
  private final Map<Side, Set<OutgoingRequest>> inFlight = new EnumMap<>(Side.class);
  private final Map<JsonRpcId, Boolean> timedOut = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<JsonRpcId, Boolean> eldest) {
      return size() > REMEMBERED_TIMEOUTS;
    }
  };

  /**
   * @param name the host client's name, for messages
   * @param maxPending how many calls may wait at once
   * @param deadlines runs the deadline timers (a timing wheel shared by the factory's clients:
   *     arming and cancelling one is a queue operation, no task on an event loop)
   * @param answers completes futures, in order
   * @param unmatched told about answers of this client's calls that match none in flight
   * @param unsentSettled told, on the loop, when a request that was never written has nothing left to send
   */
  public CallTracker(String name, int maxPending, Timer deadlines, SerialLane answers,
      Consumer<JsonRpcResponse> unmatched, Consumer<OutgoingRequest> unsentSettled) {
    this.name = requireNonNull(name, "name");
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be >= 1");
    }
    this.maxPending = maxPending;
    this.deadlines = requireNonNull(deadlines, "deadlines");
    this.answers = requireNonNull(answers, "answers");
    this.unmatched = requireNonNull(unmatched, "unmatched");
    this.unsentSettled = requireNonNull(unsentSettled, "unsentSettled");
    for (Side side : Side.values()) {
      inFlight.put(side, ConcurrentHashMap.newKeySet());
    }
  }

  /** How many calls wait for an answer or a connection. */
  public int pendingCount() {
    return pending.size();
  }

  /** Reserves room for {@code n} calls; false (nothing reserved) when that would pass the bound. */
  public boolean reserve(int n) {
    if (reserved.addAndGet(n) > maxPending) {
      reserved.addAndGet(-n);
      return false;
    }
    return true;
  }

  /** Gives back room reserved for calls that were never registered. */
  public void unreserve(int n) {
    reserved.addAndGet(-n);
  }

  /** The bound, for messages. */
  public int maxPending() {
    return maxPending;
  }

  /**
   * A new message carrying {@code requests} (already reserved), each call with its deadline armed.
   *
   * @param timeouts each request's deadline, in order
   * @throws RejectedExecutionException when the deadline wheel is stopped (the factory is closed;
   *     the calls are then registered: fail the message)
   */
  public OutgoingRequest register(RequestRoute route, byte[] body, String flowId,
      List<JsonRpcRequest> requests, List<Duration> timeouts) {
    return register(route, body, flowId, requests, timeouts, null);
  }

  /**
   * {@link #register(RequestRoute, byte[], String, List, List)} with the type each call wants its
   * result as ({@code types} {@code null}, or an entry {@code null}: a tree).
   */
  public OutgoingRequest register(RequestRoute route, byte[] body, String flowId,
      List<JsonRpcRequest> requests, List<Duration> timeouts, List<Type> types) {
    OutgoingRequest request = new OutgoingRequest(route, body, flowId);
    for (int i = 0; i < requests.size(); i++) {
      JsonRpcRequest r = requests.get(i);
      Type type = types == null ? null : types.get(i);
      OutgoingRequest.Call call = new OutgoingRequest.Call(r.id(), r.method(), request, timeouts.get(i).toMillis(), type);
      if (type != null) {
        typedPending.incrementAndGet();
      }
      request.calls.add(call);
      request.remaining.incrementAndGet();
      pending.put(call.id, call);
    }
    for (OutgoingRequest.Call call : request.calls) {
      try {
        call.timer = deadlines.newTimeout(t -> timedOut(call), call.timeoutMs, TimeUnit.MILLISECONDS);
      } catch (IllegalStateException e) {
        throw new RejectedExecutionException("the deadline wheel is stopped", e);
      }
    }
    return request;
  }

  /**
   * The futures of the calls of {@code request}, in order; each completes with a tree, or with a
   * value of the type its call was registered with.
   */
  @SuppressWarnings("unchecked")
  public static <T> List<CompletableFuture<T>> futures(OutgoingRequest request) {
    List<CompletableFuture<T>> futures = new ArrayList<>(request.calls.size());
    for (OutgoingRequest.Call call : request.calls) {
      futures.add((CompletableFuture<T>) (CompletableFuture<?>) call.future);
    }
    return futures;
  }

  /** On the loop: {@code request} was handed to {@code connection}; a loss of it fails the request. */
  public void written(OutgoingRequest request, Object connection) {
    request.writtenTo(connection);
    Set<OutgoingRequest> flying = inFlight.get(request.route().side());
    flying.add(request);
    if (request.isSettled()) {
      flying.remove(request);
    }
  }

  /** Fails every request written to {@code connection} (they may have run: never re-sent). */
  public void failWrittenTo(Object connection, VdsmClientException failure) {
    List<OutgoingRequest> lost = new ArrayList<>();
    for (Set<OutgoingRequest> flying : inFlight.values()) {
      for (OutgoingRequest r : flying) {
        if (r.writtenTo() == connection) {
          lost.add(r);
        }
      }
    }
    for (OutgoingRequest r : lost) {
      fail(r, failure);
    }
  }

  /** Fails every call of {@code request} still pending; completion runs on the answers lane. */
  public void fail(OutgoingRequest request, VdsmClientException failure) {
    List<OutgoingRequest.Call> failed = new ArrayList<>(request.calls.size());
    for (OutgoingRequest.Call call : request.calls) {
      if (finish(call, true)) {
        failed.add(call);
      }
    }
    if (!failed.isEmpty()) {
      answers.execute(() -> failed.forEach(call -> call.future.completeExceptionally(failure)));
    }
  }

  /** Fails every pending call. */
  public void failAll(VdsmClientException failure) {
    for (OutgoingRequest.Call call : List.copyOf(pending.values())) {
      if (finish(call, true)) {
        answers.execute(() -> call.future.completeExceptionally(failure));
      }
    }
  }

  /**
   * Removes {@code call} if it is still pending; only the remover may complete its future.
   *
   * @return whether this caller removed it
   */
  private boolean finish(OutgoingRequest.Call call, boolean cancelTimer) {
    if (!pending.remove(call.id, call)) {
      return false;
    }
    Timeout timer = call.timer;
    if (cancelTimer && timer != null) {
      timer.cancel();
    }
    reserved.decrementAndGet();
    if (call.resultType != null) {
      typedPending.decrementAndGet();
    }
    if (call.request.remaining.decrementAndGet() == 0) {
      inFlight.get(call.request.route().side()).remove(call.request);
    }
    return true;
  }

  /** On the deadline wheel's thread: the deadline of {@code call} passed. */
  private void timedOut(OutgoingRequest.Call call) {
    if (!finish(call, false)) {
      return;
    }
    synchronized (timedOut) {
      timedOut.put(call.id, Boolean.TRUE);
    }
    if (call.request.writtenTo() == null && call.request.isSettled()) {
      unsentSettled.accept(call.request);
    }
    String flowId = call.request.flowId();
    CallTimeoutException timeout = new CallTimeoutException(
        "no answer from " + name + " to " + call.method + " within " + call.timeoutMs + " ms (id " + call.id
            + (flowId == null ? "" : ", flow " + flowId) + ")");
    if (log.isDebugEnabled()) {
      try (MDC.MDCCloseable flow = flowId == null ? null : MDC.putCloseable(HostClient.FLOW_ID_MDC_KEY, flowId)) {
        log.debug("{}", timeout.getMessage());
      }
    }
    answers.execute(() -> call.future.completeExceptionally(timeout));
  }

  // ------------------------------------------------------------------------------ answers

  /** On the answers lane: parses one MESSAGE body received on {@code side}'s reply destination. */
  public void onAnswers(Side side, String destination, byte[] body) {
    if (typedPending.get() > 0) {
      // A call wants its result as a type: read the plain single answer straight into it, no tree.
      Optional<TypedSuccess> typed = JsonRpcCodec.decodeTypedSuccess(body, this::resultTypeOf, JsonRpcLimits.DEFAULTS);
      if (typed.isPresent()) {
        completeTyped(typed.get());
        return;
      }
    }
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    List<JsonRpcResponse> nullIds = new ArrayList<>(0);
    for (JsonRpcPayload.Item item : payload.items()) {
      if (item instanceof JsonRpcPayload.Invalid invalid) {
        if (invalid.id().equals(JsonRpcId.NULL)) {
          report(invalid.toResponse(), "unreadable answer on " + destination + ": " + invalid.error().message());
        } else {
          complete(invalid.toResponse());
        }
        continue;
      }
      JsonRpcMessage message = ((JsonRpcPayload.Valid) item).message();
      if (message instanceof JsonRpcResponse response) {
        if (response.id().equals(JsonRpcId.NULL)) {
          nullIds.add(response);
        } else {
          complete(response);
        }
      } else {
        log.debug("{}: ignoring a {} on {}", name, message.getClass().getSimpleName(), destination);
      }
    }
    for (JsonRpcResponse response : nullIds) {
      attributeNullId(side, destination, response);
    }
  }

  /** The type the pending call with {@code id} wants its result as, or {@code null}. */
  private Type resultTypeOf(JsonRpcId id) {
    OutgoingRequest.Call call = pending.get(id);
    return call == null ? null : call.resultType;
  }

  private void completeTyped(TypedSuccess answer) {
    OutgoingRequest.Call call = pending.get(answer.id());
    if (call == null || !finish(call, true)) {
      unmatched(answer.id(), () -> JsonRpcResponse.success(answer.id(), JsonRpcCodec.gson().toJsonTree(answer.result())));
      return;
    }
    call.future.complete(answer.result());
  }

  private void unmatched(JsonRpcId id, Supplier<JsonRpcResponse> response) {
    boolean late;
    synchronized (timedOut) {
      late = timedOut.remove(id) != null;
    }
    if (late) {
      report(response.get(), "answer for " + id + " came after its call's deadline");
    } else {
      log.debug("{}: answer for {} is not for a call of this client (another client sharing the reply destination?)",
          name, id);
    }
  }

  private void complete(JsonRpcResponse response) {
    OutgoingRequest.Call call = pending.get(response.id());
    if (call == null || !finish(call, true)) {
      unmatched(response.id(), () -> response);
      return;
    }
    if (response.isSuccess() && call.resultType != null) {
      try {
        call.future.complete(JsonRpcCodec.gson().fromJson(response.result(), call.resultType));
      } catch (RuntimeException e) {
        // Gson's JsonParseException when the result does not fit the type.
        call.future.completeExceptionally(e);
      }
    } else if (response.isSuccess()) {
      call.future.complete(response.result());
    } else {
      call.future.completeExceptionally(new JsonRpcErrorException(response.error()));
    }
  }

  /**
   * An answer with {@code "id": null}: the host could not read the request's id. It belongs to the
   * only message in flight on that reply destination when there is exactly one (every call of it
   * still pending fails with the error); otherwise it cannot be attributed and is reported.
   */
  private void attributeNullId(Side side, String destination, JsonRpcResponse response) {
    List<OutgoingRequest> candidates = new ArrayList<>(2);
    for (OutgoingRequest r : inFlight.get(side)) {
      if (!r.isSettled()) {
        candidates.add(r);
      }
    }
    if (response.isSuccess() || candidates.size() != 1) {
      report(response, "answer with id null on " + destination + " while " + candidates.size()
          + " requests are in flight there: cannot tell which it belongs to");
      return;
    }
    OutgoingRequest request = candidates.get(0);
    log.warn("{}: error with id null attributed to the only request in flight on {}: {} {}",
        name, destination, response.error().code(), response.error().message());
    for (OutgoingRequest.Call call : request.calls) {
      if (finish(call, true)) {
        call.future.completeExceptionally(new JsonRpcErrorException(response.error()));
      }
    }
  }

  private void report(JsonRpcResponse response, String why) {
    log.warn("{}: {}{}", name, why,
        response.isSuccess() ? "" : " (error " + response.error().code() + ": " + response.error().message() + ")");
    try {
      unmatched.accept(response);
    } catch (RuntimeException e) {
      log.warn("{}: unmatched-response handler failed", name, e);
    }
  }
}

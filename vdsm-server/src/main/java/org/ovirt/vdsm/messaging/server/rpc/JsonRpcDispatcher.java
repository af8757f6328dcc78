package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.metrics.CallOutcome;
import org.ovirt.vdsm.messaging.server.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs JSON-RPC 2.0 message bodies against the {@link MethodRegistry}: small bodies are parsed on
 * the calling (network) thread, larger ones on a small parser pool; then each call runs on the
 * bounded executor of its {@link Subsystem}, so a slow storage call never delays a VM call. Trivial
 * methods ({@link MethodRegistry#registerInline}, such as {@code Host.ping2}) run where the body was
 * parsed, without a hand-over: at the rates engines poll, the two thread hops cost more than the
 * call.
 *
 * <p>JSON-RPC 2.0 rules: a batch is answered with one array holding a response per request, in
 * order; notifications are executed and never answered, so a body of notifications only gets no
 * answer at all; every invalid member is answered with its error.
 *
 * <p>Bounds: a full parser queue is answered at once with VDSM's 1100 ("Not enough resources", id
 * null: the body was not read), a full subsystem queue answers that call with 1100 and its id, so
 * the engine backs off. A call still running at its deadline is answered with -32000 and
 * cancelled (its thread interrupted).
 */
public final class JsonRpcDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JsonRpcDispatcher.class);
  /** For lines a peer can cause once per request: summarised, never one per request. */
  private static final RateLimitedLog peerLog = new RateLimitedLog(log);

  /** The SLF4J MDC key holding the flow id while a request runs. */
  public static final String FLOW_ID_MDC_KEY = "ovirtCorrelationId";

  /**
   * Bodies up to this size are parsed on the calling (network) thread; larger ones on the parser
   * pool, so a network thread never parses large JSON.
   */
  public static final int INLINE_PARSE_BYTES = 4096;

  /** What {@link #dispatch} returns for a body handled before it returned; nobody completes it. */
  private static final CompletableFuture<Void> HANDLED = CompletableFuture.completedFuture(null);

  /** The error code of a call that ran past its deadline (JSON-RPC's server-error range). */
  public static final int REQUEST_TIMEOUT = -32000;

  private final MethodRegistry registry;
  private final ParamValidator validator;
  private final DispatcherSettings settings;
  private final ThreadPoolExecutor parsers;
  private final Map<Subsystem, ThreadPoolExecutor> executors = new EnumMap<>(Subsystem.class);
  private final HashedWheelTimer deadlines;
  private final BoundedAnswers answers;
  private final ServerMetrics metrics;
  /** VDSM's answer of a method that returns nothing. */
  private static final ResultValue TRUE = ResultValue.of(new JsonPrimitive(true));

  /** A dispatcher that maps params by registered names only and has one thread per subsystem. */
  public JsonRpcDispatcher(MethodRegistry registry, int threads, int queueCapacity) {
    this(registry, ParamValidator.BY_REGISTERED_NAMES,
        DispatcherSettings.DEFAULTS.withThreadsPerSubsystem(threads).withQueuePerSubsystem(queueCapacity));
  }

  public JsonRpcDispatcher(MethodRegistry registry, ParamValidator validator, DispatcherSettings settings) {
    this(registry, validator, settings, ServerMetrics.NONE);
  }

  /** A dispatcher that reports every call's outcome and duration to {@code metrics}. */
  public JsonRpcDispatcher(MethodRegistry registry, ParamValidator validator, DispatcherSettings settings,
      ServerMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics");
    this.registry = requireNonNull(registry, "registry");
    this.validator = requireNonNull(validator, "validator");
    this.settings = requireNonNull(settings, "settings");
    this.answers = new BoundedAnswers(settings.maxAnswerBytes());
    this.parsers = pool("jsonrpc-parser", settings.parserThreads(), settings.parserQueue());
    for (Subsystem s : Subsystem.values()) {
      executors.put(s, pool("jsonrpc-" + s.wireName(), settings.threadsPerSubsystem(), settings.queuePerSubsystem()));
    }
    // A timing wheel: O(1) to arm and cancel, which matters at tens of thousands of calls a second.
    this.deadlines = new HashedWheelTimer(daemon("jsonrpc-deadlines"), 50, TimeUnit.MILLISECONDS, 512);
  }

  private static ThreadPoolExecutor pool(String name, int threads, int queue) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(
        threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), daemon(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Handles one message body. {@code reply} receives the answer body (a UTF-8 JSON response or
   * array of responses) on a worker thread, and is not called when there is nothing to answer.
   *
   * @param body the JSON-RPC message body as received
   * @param flowId the request's {@code ovirtCorrelationId}, or {@code null}
   * @param reply where the answer goes
   * @return completes once the body is fully handled (answered, or nothing to answer)
   */
  public CompletableFuture<Void> dispatch(byte[] body, String flowId, Consumer<byte[]> reply) {
    return dispatch(body, flowId, settings.requestTimeout(), reply);
  }

  /**
   * {@link #dispatch(byte[], String, Consumer)} with a deadline of the caller's: each call of the
   * body is bounded by the earlier of {@code timeout} and the server's request timeout (a request
   * from a broker carries the time it has left; a call queued or running past it is answered -32000
   * and cancelled, never started late).
   *
   * @param timeout the time the caller gives each call from now, positive
   */
  public CompletableFuture<Void> dispatch(byte[] body, String flowId, java.time.Duration timeout, Consumer<byte[]> reply) {
    requireNonNull(body, "body");
    requireNonNull(reply, "reply");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    long timeoutMs = Math.max(1, Math.min(timeout.toMillis(), settings.requestTimeout().toMillis()));
    if (body.length <= INLINE_PARSE_BYTES) {
      // A small body parses in about a microsecond: cheaper here than a hand-over to the parser pool.
      CompletableFuture<Optional<byte[]>> answered = answer(body, flowId, timeoutMs);
      if (answered.isDone() && !answered.isCompletedExceptionally()) {
        // Answered already (an inline method, or an error): no completion stage to allocate and run.
        try {
          answered.join().ifPresent(reply);
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e); // as the completion stage would have it
        }
        return HANDLED;
      }
      return answered.thenAccept(answer -> answer.ifPresent(reply));
    }
    CompletableFuture<Void> handled = new CompletableFuture<>();
    try {
      parsers.execute(() -> {
        try {
          answer(body, flowId, timeoutMs).thenAccept(answer -> answer.ifPresent(reply))
              .whenComplete((ok, e) -> handled.complete(null));
        } catch (RuntimeException e) {
          log.error("failed to answer a request body", e);
          handled.complete(null);
        }
      });
    } catch (RejectedExecutionException e) {
      peerLog.warn("request queue full, answering 1100 (flow id {})", flowId);
      reply.accept(JsonRpcCodec.encode(JsonRpcResponse.failure(JsonRpcId.NULL, busy())));
      handled.complete(null);
    }
    return handled;
  }

  /**
   * Runs one call of {@code method}, for bindings other than JSON-RPC (legacy XML-RPC): the same
   * methods, parameter checks, executors, deadlines and error codes. {@code done} receives the
   * response on a worker thread, or at once with error 1100 when the subsystem's queue is full.
   *
   * @param method {@code Namespace.verb}
   * @param params a JSON object or array, or {@code null}
   * @param flowId the flow id for the logging MDC, or {@code null}
   */
  public void execute(String method, JsonElement params, String flowId, Consumer<JsonRpcResponse> done) {
    requireNonNull(method, "method");
    requireNonNull(done, "done");
    submit(JsonRpcId.NULL, method, params, flowId, settings.requestTimeout().toMillis())
        .thenAccept(answer -> done.accept(answer.toResponse()));
  }

  /** Parses {@code body} and runs its calls; completes with the encoded answer, if any. */
  CompletableFuture<Optional<byte[]>> answer(byte[] body, String flowId) {
    return answer(body, flowId, settings.requestTimeout().toMillis());
  }

  private CompletableFuture<Optional<byte[]>> answer(byte[] body, String flowId, long timeoutMs) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body, settings.jsonLimits());
    List<CompletableFuture<Answer>> pending = new ArrayList<>(payload.items().size());
    for (JsonRpcPayload.Item item : payload.items()) {
      handle(item, flowId, timeoutMs).ifPresent(pending::add);
    }
    if (pending.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (!payload.batch()) {
      return pending.get(0).thenApply(r -> Optional.of(answers.single(r)));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApply(done -> Optional.of(answers.batch(pending.stream().map(CompletableFuture::join).toList())));
  }

  private Optional<CompletableFuture<Answer>> handle(JsonRpcPayload.Item item, String flowId, long timeoutMs) {
    if (item instanceof JsonRpcPayload.Invalid invalid) {
      log.debug("invalid JSON-RPC message: {}", invalid.error().message());
      metrics.callEnded(null, CallOutcome.REQUEST_ERROR, 0);
      return Optional.of(CompletableFuture.completedFuture(Answer.of(invalid.toResponse())));
    }
    JsonRpcMessage message = ((JsonRpcPayload.Valid) item).message();
    if (message instanceof JsonRpcRequest request) {
      return Optional.of(submit(request.id(), request.method(), request.params(), flowId, timeoutMs));
    }
    if (message instanceof JsonRpcNotification notification) {
      submit(JsonRpcId.NULL, notification.method(), notification.params(), flowId, timeoutMs).thenAccept(r -> {
        if (!r.isSuccess()) {
          peerLog.info("notification {} failed: {}", notification.method(), r.error().message());
        }
      });
      return Optional.empty();
    }
    peerLog.warn("ignoring a JSON-RPC response sent to the host: {}", ((JsonRpcResponse) message).id());
    return Optional.empty();
  }

  /** Runs one call on its subsystem's executor, under the deadline ({@code timeoutMs} from now). */
  private CompletableFuture<Answer> submit(
      JsonRpcId id, String methodName, JsonElement params, String flowId, long timeoutMs) {
    Optional<MethodRegistry.Registration> found = registry.find(methodName);
    if (found.isEmpty()) {
      metrics.callEnded(methodName, CallOutcome.REQUEST_ERROR, 0);
      return CompletableFuture.completedFuture(Answer.failure(id, JsonRpcError.methodNotFound(methodName)));
    }
    MethodRegistry.Registration method = found.get();
    if (method.inline()) {
      long inlineStart = System.nanoTime();
      Answer answer = callInline(id, method, params, flowId);
      metrics.callEnded(methodName, outcome(answer), System.nanoTime() - inlineStart);
      return CompletableFuture.completedFuture(answer);
    }
    CompletableFuture<Answer> result = new CompletableFuture<>();
    Future<?> task;
    long started = System.nanoTime();
    try {
      task = executors.get(validator.subsystemOf(methodName)).submit(() -> {
        if (flowId != null) {
          MDC.put(FLOW_ID_MDC_KEY, flowId);
        }
        try {
          result.complete(call(id, method, params));
        } finally {
          MDC.remove(FLOW_ID_MDC_KEY);
        }
      });
    } catch (RejectedExecutionException e) {
      peerLog.warn("{} queue full, answering 1100 to {} (flow id {})", validator.subsystemOf(methodName), methodName, flowId);
      metrics.callEnded(methodName, CallOutcome.REFUSED, 0);
      return CompletableFuture.completedFuture(Answer.failure(id, busy()));
    }
    Timeout deadline = deadlines.newTimeout(t -> {
      JsonRpcError late = new JsonRpcError(REQUEST_TIMEOUT,
          "Request timed out on the host after " + timeoutMs + " ms: " + methodName);
      if (result.complete(Answer.failure(id, late))) {
        peerLog.warn("{} did not finish within {} ms: cancelled (flow id {})", methodName, timeoutMs, flowId);
        task.cancel(true);
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    result.whenComplete((r, e) -> {
      deadline.cancel();
      metrics.callEnded(methodName, r == null ? CallOutcome.INTERNAL_ERROR : outcome(r), System.nanoTime() - started);
    });
    return result;
  }

  private static CallOutcome outcome(Answer answer) {
    if (answer.isSuccess()) {
      return CallOutcome.OK;
    }
    return answer.error().code() == REQUEST_TIMEOUT ? CallOutcome.TIMEOUT : CallOutcome.ofError(answer.error().code());
  }

  /**
   * A trivial method ({@link MethodRegistry#registerInline}) on the calling thread: no hand-over,
   * no deadline (it cannot run late), the flow id in the MDC only when there is one.
   */
  private Answer callInline(JsonRpcId id, MethodRegistry.Registration method, JsonElement params,
      String flowId) {
    if (flowId == null) {
      return call(id, method, params);
    }
    String outer = MDC.get(FLOW_ID_MDC_KEY);
    MDC.put(FLOW_ID_MDC_KEY, flowId);
    try {
      return call(id, method, params);
    } finally {
      if (outer == null) {
        MDC.remove(FLOW_ID_MDC_KEY);
      } else {
        MDC.put(FLOW_ID_MDC_KEY, outer);
      }
    }
  }

  private Answer call(JsonRpcId id, MethodRegistry.Registration method, JsonElement params) {
    long start = log.isDebugEnabled() ? System.nanoTime() : 0;
    try {
      JsonObject named = validator.validate(method, params);
      ResultValue result = method.method().answer(named);
      if (log.isDebugEnabled()) {
        log.debug("{} answered in {} us", method.name(), (System.nanoTime() - start) / 1000);
      }
      return Answer.success(id, result == null ? TRUE : result);
    } catch (ApiException e) {
      log.debug("{} failed: {} {}", method.name(), e.error().code(), e.error().message());
      return Answer.failure(id, e.error());
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        log.debug("{} interrupted at its deadline", method.name());
      } else {
        log.error("{} failed unexpectedly", method.name(), e);
      }
      return Answer.failure(id, new JsonRpcError(JsonRpcError.GENERAL_EXCEPTION, "General Exception"));
    }
  }

  private static JsonRpcError busy() {
    return new JsonRpcError(JsonRpcError.NOT_ENOUGH_RESOURCES, "Not enough resources: request queue is full");
  }

  /** Stops taking bodies and waits up to five seconds for running calls. */
  @Override
  public void close() {
    parsers.shutdown();
    executors.values().forEach(ThreadPoolExecutor::shutdown);
    deadlines.stop();
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (ThreadPoolExecutor pool : executors.values()) {
        if (!pool.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          pool.shutdownNow();
        }
      }
      parsers.shutdownNow();
    } catch (InterruptedException e) {
      executors.values().forEach(ThreadPoolExecutor::shutdownNow);
      parsers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

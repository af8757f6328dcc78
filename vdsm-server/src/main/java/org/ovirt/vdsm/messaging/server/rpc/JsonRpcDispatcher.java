package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs JSON-RPC 2.0 message bodies against the {@link MethodRegistry}: parses them, calls the
 * methods and builds the answer, all on a bounded worker pool (never on a network thread).
 *
 * <p>JSON-RPC 2.0 rules: a batch is answered with one array holding a response per request, in
 * order; notifications are executed and never answered, so a body of notifications only gets no
 * answer at all; every invalid member is answered with its error. When the pool's queue is full the
 * body is refused at once with VDSM's code 1100 ("Not enough resources") so the engine backs off.
 */
public final class JsonRpcDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JsonRpcDispatcher.class);

  /** The SLF4J MDC key holding the flow id while a request runs. */
  public static final String FLOW_ID_MDC_KEY = "ovirtCorrelationId";

  private final MethodRegistry registry;
  private final ThreadPoolExecutor workers;

  /**
   * @param registry the methods
   * @param threads worker threads
   * @param queueCapacity bodies that may wait for a worker; more are refused with 1100
   */
  public JsonRpcDispatcher(MethodRegistry registry, int threads, int queueCapacity) {
    this.registry = requireNonNull(registry, "registry");
    if (threads < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("threads and queueCapacity must be >= 1");
    }
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            r -> {
              Thread t = new Thread(r, "jsonrpc-worker");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Handles one message body. {@code reply} receives the answer body (a UTF-8 JSON response or array
   * of responses), on a worker thread, and is not called when there is nothing to answer.
   *
   * @param body the JSON-RPC message body as received
   * @param flowId the request's {@code ovirtCorrelationId}, or {@code null}
   * @param reply where the answer goes
   */
  public void dispatch(byte[] body, String flowId, Consumer<byte[]> reply) {
    requireNonNull(body, "body");
    requireNonNull(reply, "reply");
    try {
      workers.execute(() -> run(body, flowId, reply));
    } catch (RejectedExecutionException e) {
      log.warn("request queue full, answering 1100 (flow id {})", flowId);
      reply.accept(JsonRpcCodec.encode(JsonRpcResponse.failure(JsonRpcId.NULL, busy())));
    }
  }

  /**
   * Runs one call of {@code method} on the worker pool, for bindings other than JSON-RPC (legacy
   * XML-RPC): the same methods, parameter mapping and error codes. {@code done} receives the
   * response on a worker thread, or at once with error 1100 when the pool's queue is full.
   *
   * @param method {@code Namespace.verb}
   * @param params a JSON object or array, or {@code null}
   * @param flowId the flow id for the logging MDC, or {@code null}
   */
  public void execute(String method, JsonElement params, String flowId, Consumer<JsonRpcResponse> done) {
    requireNonNull(method, "method");
    requireNonNull(done, "done");
    try {
      workers.execute(() -> {
        if (flowId != null) {
          MDC.put(FLOW_ID_MDC_KEY, flowId);
        }
        try {
          done.accept(call(JsonRpcId.NULL, method, params));
        } finally {
          MDC.remove(FLOW_ID_MDC_KEY);
        }
      });
    } catch (RejectedExecutionException e) {
      log.warn("request queue full, answering 1100 to {} (flow id {})", method, flowId);
      done.accept(JsonRpcResponse.failure(JsonRpcId.NULL, busy()));
    }
  }

  private static JsonRpcError busy() {
    return new JsonRpcError(JsonRpcError.NOT_ENOUGH_RESOURCES, "Not enough resources: request queue is full");
  }

  private void run(byte[] body, String flowId, Consumer<byte[]> reply) {
    if (flowId != null) {
      MDC.put(FLOW_ID_MDC_KEY, flowId);
    }
    try {
      byte[] answer = answer(body);
      if (answer != null) {
        reply.accept(answer);
      }
    } catch (RuntimeException e) {
      log.error("failed to answer a request body", e);
    } finally {
      MDC.remove(FLOW_ID_MDC_KEY);
    }
  }

  /** The answer body for {@code body}, or {@code null} when nothing is to be answered. */
  byte[] answer(byte[] body) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    List<JsonRpcResponse> responses = new ArrayList<>(payload.items().size());
    for (JsonRpcPayload.Item item : payload.items()) {
      handle(item).ifPresent(responses::add);
    }
    if (responses.isEmpty()) {
      return null;
    }
    return payload.batch() ? JsonRpcCodec.encodeBatch(responses) : JsonRpcCodec.encode(responses.get(0));
  }

  private Optional<JsonRpcResponse> handle(JsonRpcPayload.Item item) {
    if (item instanceof JsonRpcPayload.Invalid invalid) {
      log.debug("invalid JSON-RPC message: {}", invalid.error().message());
      return Optional.of(invalid.toResponse());
    }
    JsonRpcMessage message = ((JsonRpcPayload.Valid) item).message();
    if (message instanceof JsonRpcRequest request) {
      return Optional.of(call(request.id(), request.method(), request.params()));
    }
    if (message instanceof JsonRpcNotification notification) {
      JsonRpcResponse ignored = call(JsonRpcId.NULL, notification.method(), notification.params());
      if (!ignored.isSuccess()) {
        log.info("notification {} failed: {}", notification.method(), ignored.error().message());
      }
      return Optional.empty();
    }
    log.warn("ignoring a JSON-RPC response sent to the host: {}", ((JsonRpcResponse) message).id());
    return Optional.empty();
  }

  private JsonRpcResponse call(JsonRpcId id, String methodName, JsonElement params) {
    Optional<MethodRegistry.Registration> found = registry.find(methodName);
    if (found.isEmpty()) {
      return JsonRpcResponse.failure(id, JsonRpcError.methodNotFound(methodName));
    }
    MethodRegistry.Registration method = found.get();
    long start = System.nanoTime();
    try {
      JsonObject named = byName(method, params);
      JsonElement result = method.method().invoke(named);
      log.debug("{} answered in {} us", methodName, (System.nanoTime() - start) / 1000);
      return JsonRpcResponse.success(id, result == null ? new JsonPrimitive(true) : result);
    } catch (ApiException e) {
      log.debug("{} failed: {} {}", methodName, e.error().code(), e.error().message());
      return JsonRpcResponse.failure(id, e.error());
    } catch (RuntimeException e) {
      log.error("{} failed unexpectedly", methodName, e);
      return JsonRpcResponse.failure(
          id, new JsonRpcError(JsonRpcError.GENERAL_EXCEPTION, "General Exception"));
    }
  }

  private static JsonObject byName(MethodRegistry.Registration method, JsonElement params)
      throws ApiException {
    if (params == null) {
      return new JsonObject();
    }
    if (params.isJsonObject()) {
      return params.getAsJsonObject();
    }
    JsonArray positional = params.getAsJsonArray();
    List<String> names = method.paramNames();
    if (positional.size() > names.size()) {
      throw new ApiException(
          JsonRpcError.invalidParams(
              method.name() + " takes at most " + names.size() + " parameters, got " + positional.size()));
    }
    JsonObject named = new JsonObject();
    for (int i = 0; i < positional.size(); i++) {
      named.add(names.get(i), positional.get(i));
    }
    return named;
  }

  /** Stops taking bodies and waits up to five seconds for running calls. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

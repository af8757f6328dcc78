package org.ovirt.vdsm.messaging.server.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.server.rpc.JsonRpcDispatcher;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.xmlrpc.LegacyVerbs;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCall;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodec;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcFault;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The legacy XML-RPC binding of the host API: parses a {@code methodCall}, maps the flat verb to
 * its JSON-RPC method ({@link LegacyVerbs}), runs it through {@link JsonRpcDispatcher#execute} (the
 * same methods, parameter mapping, error codes and bounded worker pool as JSON-RPC over STOMP), and
 * answers VDSM's legacy result struct.
 *
 * <p>Parsing and writing XML happen on a small pool of codec threads of their own, never on a
 * network thread; the calls run on the dispatcher's workers. A full codec queue, like a full worker
 * queue, is answered at once with VDSM's status 1100 ("Not enough resources"). The flow id (HTTP
 * header {@code FlowID}) is in the logging MDC under {@value JsonRpcDispatcher#FLOW_ID_MDC_KEY}
 * while the request is handled.
 *
 * <p>Faults: malformed XML, a DTD, an invalid {@code methodCall} ({@link XmlRpcCodec#parseCall}); an
 * unknown verb or a verb whose method this host does not provide ({@link
 * XmlRpcFault#METHOD_NOT_FOUND}); parameters that do not fit the verb ({@link
 * XmlRpcFault#INVALID_PARAMS}); a failure of this code ({@link XmlRpcFault#INTERNAL_ERROR}). Errors
 * of the methods themselves are answered as {@code status} structs with their JSON-RPC code.
 */
public final class XmlRpcBinding implements XmlRpcEndpoint, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XmlRpcBinding.class);
  /** For lines a peer can cause once per request: summarised, never one per request. */
  private static final RateLimitedLog peerLog = new RateLimitedLog(log);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final MethodRegistry registry;
  private final JsonRpcDispatcher dispatcher;
  private final LegacyVerbs verbs;
  private final XmlRpcLimits limits;
  private final int maxAnswerBytes;
  private final ThreadPoolExecutor codec;

  /**
   * @param registry where the binding checks that a verb's method exists
   * @param dispatcher runs the calls
   * @param verbs the verb table, usually {@link LegacyVerbs#VDSM}
   * @param settings limits and codec pool size
   */
  public XmlRpcBinding(
      MethodRegistry registry, JsonRpcDispatcher dispatcher, LegacyVerbs verbs, XmlRpcSettings settings) {
    this.registry = requireNonNull(registry, "registry");
    this.dispatcher = requireNonNull(dispatcher, "dispatcher");
    this.verbs = requireNonNull(verbs, "verbs");
    this.limits = requireNonNull(settings, "settings").limits();
    this.maxAnswerBytes = settings.maxAnswerBytes();
    this.codec =
        new ThreadPoolExecutor(
            settings.codecThreads(),
            settings.codecThreads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(settings.codecQueueCapacity()),
            r -> {
              Thread t = new Thread(r, "xmlrpc-codec-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void handle(byte[] body, String flowId, Consumer<byte[]> reply) {
    requireNonNull(body, "body");
    Consumer<byte[]> once = once(requireNonNull(reply, "reply"));
    try {
      codec.execute(() -> run(body, flowId, once));
    } catch (RejectedExecutionException e) {
      peerLog.warn("XML-RPC codec queue full, answering 1100 (flow id {})", flowId);
      once.accept(busy());
    }
  }

  private void run(byte[] body, String flowId, Consumer<byte[]> reply) {
    if (flowId != null) {
      MDC.put(JsonRpcDispatcher.FLOW_ID_MDC_KEY, flowId);
    }
    try {
      call(body, flowId, reply);
    } catch (RuntimeException e) {
      peerLog.warn("XML-RPC request failed: {}", String.valueOf(e));
      log.debug("XML-RPC request failure", e);
      reply.accept(XmlRpcCodec.encodeFault(XmlRpcFault.INTERNAL_ERROR, "internal error"));
    } finally {
      MDC.remove(JsonRpcDispatcher.FLOW_ID_MDC_KEY);
    }
  }

  private void call(byte[] body, String flowId, Consumer<byte[]> reply) {
    long start = System.nanoTime();
    LegacyVerbs.Verb verb;
    JsonObject params;
    try {
      XmlRpcCall call = XmlRpcCodec.parseCall(body, limits);
      verb = verbs.find(call.methodName()).orElseThrow(
          () -> new XmlRpcFault(XmlRpcFault.METHOD_NOT_FOUND, "unknown verb: " + call.methodName()));
      if (registry.find(verb.method()).isEmpty()) {
        throw new XmlRpcFault(
            XmlRpcFault.METHOD_NOT_FOUND,
            verb.name() + " is not available on this host (" + verb.method() + " is not implemented)");
      }
      params = verb.params().map(call.params());
    } catch (XmlRpcFault fault) {
      peerLog.info("XML-RPC fault {}: {}", fault.code(), fault.getMessage());
      reply.accept(fault.toResponseBody());
      return;
    }
    log.debug("XML-RPC {} -> {}", verb.name(), verb.method());
    dispatcher.execute(verb.method(), params, flowId, response -> answer(verb, response, start, reply));
  }

  /** Runs on a worker, with the flow id in the MDC (or on a codec thread when the pool is full). */
  private void answer(LegacyVerbs.Verb verb, JsonRpcResponse response, long start, Consumer<byte[]> reply) {
    try {
      byte[] body = XmlRpcCodec.encodeResponse(verb.legacyResult(response));
      if (body.length > maxAnswerBytes) {
        peerLog.warn("XML-RPC {}: an answer passed the limit of {} bytes: replaced by an error", verb.name(), maxAnswerBytes);
        body = XmlRpcCodec.encodeResponse(LegacyVerbs.statusResult(
            JsonRpcError.INTERNAL_ERROR, "Internal error: the answer exceeds the limit of " + maxAnswerBytes + " bytes"));
      }
      log.debug(
          "XML-RPC {} answered status {} in {} us",
          verb.name(),
          response.isSuccess() ? 0 : response.error().code(),
          (System.nanoTime() - start) / 1000);
      reply.accept(body);
    } catch (RuntimeException e) {
      peerLog.warn("XML-RPC {}: cannot write the answer: {}", verb.name(), String.valueOf(e));
      log.debug("XML-RPC answer failure", e);
      reply.accept(XmlRpcCodec.encodeFault(XmlRpcFault.INTERNAL_ERROR, "internal error: the result has no XML-RPC form"));
    }
  }

  private static byte[] busy() {
    return XmlRpcCodec.encodeResponse(
        LegacyVerbs.statusResult(JsonRpcError.NOT_ENOUGH_RESOURCES, "Not enough resources: request queue is full"));
  }

  private static Consumer<byte[]> once(Consumer<byte[]> reply) {
    AtomicBoolean done = new AtomicBoolean();
    return body -> {
      if (done.compareAndSet(false, true)) {
        reply.accept(body);
      } else {
        log.error("XML-RPC request answered twice; the second answer is dropped");
      }
    };
  }

  /** Stops taking requests and waits up to five seconds for the codec threads. */
  @Override
  public void close() {
    codec.shutdown();
    try {
      if (!codec.awaitTermination(5, TimeUnit.SECONDS)) {
        codec.shutdownNow();
      }
    } catch (InterruptedException e) {
      codec.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

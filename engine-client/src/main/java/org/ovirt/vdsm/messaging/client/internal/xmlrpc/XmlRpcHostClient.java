package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.TooManyPendingCallsException;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodec;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcFault;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A host client speaking legacy XML-RPC over HTTP(S) ({@code POST /RPC2}, keep-alive) behind the
 * same API as the STOMP one, for hosts that have not moved to JSON-RPC. {@code Namespace.verb}
 * calls are mapped to legacy verbs by {@link LegacyMethods}; the legacy result struct {@code
 * {status: {code, message}, <payload>}} becomes the result (code 0) or a {@link
 * JsonRpcErrorException} with the status code (non-zero); an XML-RPC fault becomes one with the
 * fault code. The flow id travels as the HTTP header {@code FlowID}.
 *
 * <p>HTTP is stateless: the state is {@code CONNECTED} until closed; each call uses a pooled
 * connection of the shared HTTP client. No events ({@link #subscribe} throws), no batches (each
 * call of a batch is its own request).
 */
public final class XmlRpcHostClient implements HostClient {
  private static final Logger log = LoggerFactory.getLogger(XmlRpcHostClient.class);

  /** The HTTP header of the flow id. */
  public static final String FLOW_ID_HEADER = "FlowID";

  /**
   * What the factory gives every legacy client.
   *
   * @param http the shared HTTP client
   * @param tls whether to use HTTPS
   * @param defaultTimeout the deadline of calls that give none
   * @param maxPendingCalls calls one host may have in flight
   * @param maxResponseBytes the largest response body accepted
   * @param closed told when a client is closed
   */
  public record Settings(
      HttpClient http, boolean tls, Duration defaultTimeout, int maxPendingCalls, long maxResponseBytes,
      Consumer<HostClient> closed) {
    public Settings {
      requireNonNull(http, "http");
      requireNonNull(defaultTimeout, "defaultTimeout");
      requireNonNull(closed, "closed");
    }
  }

  private final String host;
  private final int port;
  private final String name;
  private final URI uri;
  private final Settings settings;
  /** What responses are parsed with: the body bound (already enforced while reading), the default depth. */
  private final XmlRpcLimits limits;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Set<CompletableFuture<JsonElement>> calls = ConcurrentHashMap.newKeySet();
  private final CopyOnWriteArrayList<StateListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public XmlRpcHostClient(String host, int port, Settings settings) {
    this.host = requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    this.port = port;
    this.settings = requireNonNull(settings, "settings");
    this.limits = XmlRpcLimits.DEFAULTS.withMaxBodyBytes(
        (int) Math.max(1, Math.min(settings.maxResponseBytes(), XmlRpcLimits.MAX_BODY_BYTES)));
    String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    this.name = authority;
    this.uri = URI.create((settings.tls() ? "https://" : "http://") + authority + "/RPC2");
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String name() {
    return name;
  }

  /** The endpoint, {@code http(s)://host:port/RPC2}. */
  public URI uri() {
    return uri;
  }

  @Override
  public State state() {
    return closed ? State.CLOSED : State.CONNECTED;
  }

  @Override
  public void addStateListener(StateListener listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  @Override
  public HostClient irs() {
    return this;
  }

  @Override
  public CompletableFuture<JsonElement> call(RpcCall call) {
    requireNonNull(call, "call");
    if (closed) {
      return CompletableFuture.failedFuture(closedFailure());
    }
    LegacyMethods.LegacyCall legacy;
    try {
      legacy = LegacyMethods.map(call.method(), call.params());
    } catch (LegacyMethods.MappingException e) {
      return CompletableFuture.failedFuture(new JsonRpcErrorException(e.error()));
    }
    byte[] body = XmlRpcCodec.encodeCall(legacy.mapping().verb(), legacy.params());
    if (inFlight.incrementAndGet() > settings.maxPendingCalls()) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new TooManyPendingCallsException(
          name + " already has " + settings.maxPendingCalls() + " calls in flight"));
    }
    Duration timeout = call.timeout() == null ? settings.defaultTimeout() : call.timeout();
    String flowId = call.flowId() != null ? call.flowId() : MDC.get(FLOW_ID_MDC_KEY);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "text/xml; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (flowId != null) {
      request.header(FLOW_ID_HEADER, flowId);
    }
    CompletableFuture<JsonElement> result = new CompletableFuture<>();
    calls.add(result);
    result.whenComplete((r, t) -> {
      calls.remove(result);
      inFlight.decrementAndGet();
    });
    CompletableFuture<HttpResponse<byte[]>> exchange =
        settings.http().sendAsync(request.build(), BoundedBodySubscriber.handler(settings.maxResponseBytes()));
    CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
      if (result.completeExceptionally(new CallTimeoutException(
          "no answer from " + name + " to " + call.method() + " within " + timeout.toMillis() + " ms"))) {
        exchange.cancel(true);
      }
    });
    exchange.whenComplete((response, failure) -> {
      if (failure != null) {
        result.completeExceptionally(mapFailure(call.method(), timeout, failure));
        return;
      }
      try {
        result.complete(toResult(legacy.mapping(), response));
      } catch (VdsmClientException e) {
        result.completeExceptionally(e);
      }
    });
    if (closed) {
      result.completeExceptionally(closedFailure());
      exchange.cancel(true);
    }
    return result;
  }

  private JsonElement toResult(LegacyMethods.Mapping mapping, HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      throw new ConnectionLostException(Reason.PROTOCOL,
          "HTTP " + response.statusCode() + " from " + uri + " for " + mapping.verb(), null);
    }
    XmlRpcResponse parsed;
    try {
      parsed = XmlRpcCodec.parseResponse(response.body(), limits);
    } catch (XmlRpcFault e) {
      throw new ConnectionLostException(Reason.PROTOCOL, name + ": malformed XML-RPC response: " + e.getMessage(), e);
    }
    if (!parsed.isSuccess()) {
      throw new JsonRpcErrorException(new JsonRpcError(parsed.fault().code(), parsed.fault().getMessage()));
    }
    JsonElement value = parsed.value();
    JsonObject status = value.isJsonObject() && value.getAsJsonObject().get("status") instanceof JsonObject s ? s : null;
    if (status == null || !(status.get("code") instanceof JsonPrimitive code) || !code.isNumber()) {
      throw new ConnectionLostException(Reason.PROTOCOL,
          name + ": the answer to " + mapping.verb() + " is not a legacy result {status: {code, message}, ...}", null);
    }
    if (code.getAsInt() != 0) {
      JsonElement message = status.get("message");
      throw new JsonRpcErrorException(new JsonRpcError(code.getAsInt(),
          message == null || message.isJsonNull() ? "" : message.getAsString()));
    }
    if (mapping.resultMember() == null) {
      return new JsonPrimitive(true);
    }
    JsonElement payload = value.getAsJsonObject().get(mapping.resultMember());
    return payload == null ? JsonNull.INSTANCE : payload;
  }

  private VdsmClientException mapFailure(String method, Duration timeout, Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof VdsmClientException v) {
      return v;
    }
    if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException) {
      return new ConnectionLostException(Reason.CONNECT_FAILED, "cannot connect to " + name + ": " + message(t), t);
    }
    if (t instanceof HttpTimeoutException) {
      return new CallTimeoutException("no answer from " + name + " to " + method + " within " + timeout.toMillis() + " ms");
    }
    if (t instanceof SSLException || t.getCause() instanceof SSLException) {
      return new ConnectionLostException(Reason.TLS, "TLS failure with " + name + ": " + message(t), t);
    }
    if (t instanceof IOException) {
      return new ConnectionLostException(Reason.IO_ERROR, "connection to " + name + " failed: " + message(t), t);
    }
    log.debug("{}: unexpected failure", name, t);
    return new ConnectionLostException(Reason.PROTOCOL, name + ": " + message(t), t);
  }

  private static String message(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  @Override
  public List<CompletableFuture<JsonElement>> batch(List<RpcCall> batch) {
    requireNonNull(batch, "calls");
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one call");
    }
    List<CompletableFuture<JsonElement>> futures = new ArrayList<>(batch.size());
    for (RpcCall c : batch) {
      futures.add(call(c));
    }
    return futures;
  }

  /** Always throws: XML-RPC has no events. */
  @Override
  public EventSubscription subscribe(String pattern, Flow.Subscriber<? super HostEvent> subscriber) {
    throw new UnsupportedOperationException("the legacy XML-RPC transport has no events");
  }

  /** Always throws: XML-RPC has no events. */
  @Override
  public EventSubscription subscribe(String pattern, Consumer<? super HostEvent> callback) {
    throw new UnsupportedOperationException("the legacy XML-RPC transport has no events");
  }

  @Override
  public int pendingCalls() {
    return inFlight.get();
  }

  /** Closes at once: calls in flight fail with {@code CLIENT_CLOSED}; returns false (HTTP has no DISCONNECT). */
  @Override
  public boolean disconnect(Duration wait) {
    requireNonNull(wait, "wait");
    closeNow();
    return false;
  }

  @Override
  public CompletableFuture<Boolean> closeAsync() {
    closeNow();
    return CompletableFuture.completedFuture(false);
  }

  private void closeNow() {
    if (closed) {
      return;
    }
    closed = true;
    VdsmClientException failure = closedFailure();
    for (CompletableFuture<JsonElement> c : List.copyOf(calls)) {
      c.completeExceptionally(failure);
    }
    for (StateListener l : listeners) {
      try {
        l.stateChanged(this, State.CLOSED, null);
      } catch (RuntimeException e) {
        log.warn("{}: state listener failed", name, e);
      }
    }
    settings.closed().accept(this);
  }

  private VdsmClientException closedFailure() {
    return new ConnectionLostException(Reason.CLIENT_CLOSED, "the XML-RPC client of " + name + " is closed", null);
  }

  @Override
  public String toString() {
    return "XmlRpcHostClient{" + uri + (closed ? ", closed" : "") + "}";
  }
}

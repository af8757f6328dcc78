package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import io.netty.util.Timeout;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;

/**
 * One message to a host: the encoded body of a single request or of a batch, with its route and
 * flow id, and the calls it carries. The transport makes the frame when it writes it; the {@link
 * CallTracker} settles its calls.
 */
public final class OutgoingRequest {
  /** One call waiting for its answer. */
  public static final class Call {
    final JsonRpcId id;
    final String method;
    final OutgoingRequest request;
    /** Completes with the result: a {@link JsonElement} tree, or a {@link #resultType} value. */
    final CompletableFuture<Object> future = new CompletableFuture<>();
    /** The type the caller wants the result as, or {@code null} for a tree. */
    final Type resultType;
    final long timeoutMs;
    /** When the deadline passes, by {@link System#nanoTime()}. */
    final long deadlineNanos;
    volatile Timeout timer;

    Call(JsonRpcId id, String method, OutgoingRequest request, long timeoutMs, Type resultType) {
      this.id = id;
      this.method = method;
      this.request = request;
      this.timeoutMs = timeoutMs;
      this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      this.resultType = resultType;
    }
  }

  private final RequestRoute route;
  private final byte[] body;
  private final String flowId;
  final List<Call> calls = new ArrayList<>();
  final AtomicInteger remaining = new AtomicInteger();
  /** The connection it was handed to (set on the event loop); from then on a loss of it fails it. */
  private volatile Object writtenTo;

  OutgoingRequest(RequestRoute route, byte[] body, String flowId) {
    this.route = requireNonNull(route, "route");
    this.body = requireNonNull(body, "body");
    this.flowId = flowId;
  }

  /** Its route. */
  public RequestRoute route() {
    return route;
  }

  /** The JSON-RPC body (shared, never modified). */
  public byte[] body() {
    return body;
  }

  /** The flow id sent as {@code ovirtCorrelationId}, or {@code null}. */
  public String flowId() {
    return flowId;
  }

  /** Whether every call of it is settled (answered, timed out or failed): nothing left to send. */
  public boolean isSettled() {
    return remaining.get() == 0;
  }

  /** The connection it was written to, or {@code null} while it waits. */
  public Object writtenTo() {
    return writtenTo;
  }

  void writtenTo(Object connection) {
    this.writtenTo = connection;
  }
}

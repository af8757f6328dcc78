package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.reflect.TypeToken;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.RpcCall;

/**
 * One side of a shared host connection other than the default: calls go to the side's request
 * destination with its reply-to; everything else is the connection's.
 */
final class SideView implements HostClient {
  private final StompHostClient connection;
  private final Side side;

  SideView(StompHostClient connection, Side side) {
    this.connection = requireNonNull(connection, "connection");
    this.side = requireNonNull(side, "side");
  }

  @Override
  public String host() {
    return connection.host();
  }

  @Override
  public int port() {
    return connection.port();
  }

  @Override
  public String name() {
    return connection.name();
  }

  @Override
  public State state() {
    return connection.state();
  }

  @Override
  public void addStateListener(StateListener listener) {
    connection.addStateListener(listener);
  }

  @Override
  public HostClient irs() {
    return this;
  }

  @Override
  public CompletableFuture<JsonElement> call(RpcCall call) {
    requireNonNull(call, "call");
    return connection.submit(side, List.of(call), false).get(0);
  }

  @Override
  public List<CompletableFuture<JsonElement>> batch(List<RpcCall> calls) {
    return connection.submit(side, calls, true);
  }

  @Override
  public <T> CompletableFuture<T> call(RpcCall call, TypeToken<T> type) {
    return connection.submitTyped(side, call, type);
  }

  @Override
  public EventSubscription subscribe(String pattern, Flow.Subscriber<? super HostEvent> subscriber) {
    return connection.subscribe(pattern, subscriber);
  }

  @Override
  public EventSubscription subscribe(String pattern, Consumer<? super HostEvent> callback) {
    return connection.subscribe(pattern, callback);
  }

  @Override
  public int pendingCalls() {
    return connection.pendingCalls();
  }

  @Override
  public boolean disconnect(Duration wait) {
    return connection.disconnect(wait);
  }

  @Override
  public CompletableFuture<Boolean> closeAsync() {
    return connection.closeAsync();
  }

  @Override
  public String toString() {
    return side + " side of " + connection;
  }
}

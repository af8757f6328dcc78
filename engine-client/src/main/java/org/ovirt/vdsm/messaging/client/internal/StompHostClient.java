package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.ClientListener;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.HostOptions;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON-RPC client of one host over a {@link HostTransport}: makes requests and batches from
 * calls ({@link CallSubmitter}; {@link CallTracker} keeps them until answered), routes events ({@link EventRouter}),
 * announces state changes, and closes. The transport decides how frames travel; this class does
 * not know STOMP.
 *
 * <p>Answers and events are parsed on the host's {@link SerialLane}s (worker threads, in order),
 * where futures are completed and state listeners told; the event loop never runs caller code.
 */
public final class StompHostClient implements HostClient, TransportListener {
  private static final Logger log = LoggerFactory.getLogger(StompHostClient.class);

  /** How long {@link #closeAsync()} waits for the receipt of DISCONNECT. */
  static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(2);

  private final String host;
  private final int port;
  private final String name;
  private final ClientContext ctx;
  private final SerialLane answers;
  private final SerialLane eventLane;
  private final CallTracker calls;
  private final EventRouter events;
  private final HostTransport transport;
  private final CallSubmitter submitter;
  private final SideView irs;
  private final EventLoop loop;
  private final CopyOnWriteArrayList<StateListener> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<HostClient> firstSession = new CompletableFuture<>();
  private final CompletableFuture<Boolean> closedFuture = new CompletableFuture<>();
  private volatile State state = State.CONNECTING;
  /** The last state told to listeners; loop-confined. */
  private State announced = State.CONNECTING;

  /** Makes the transport of a new host client, given the client's parts. */
  @FunctionalInterface
  public interface TransportFactory {
    /**
     * @param name the client's name, for messages
     * @param loop the client's event loop (its deadline timers run there)
     * @param calls the client's call tracker
     * @param listener the client
     */
    HostTransport make(String name, EventLoop loop, CallTracker calls, TransportListener listener);
  }

  /**
   * A client of the host at {@code host:port} over a {@link DirectTransport}.
   *
   * @param retryBeforeFirstSession whether a failure of the very first connection is retried by the
   *     reconnect policy, or ends the client
   */
  public StompHostClient(String host, int port, ClientContext ctx, HostOptions options, boolean retryBeforeFirstSession) {
    this(host, checkPort(port), nameOf(host, port), ctx, options,
        (name, loop, calls, listener) -> new DirectTransport(host, port, name, ctx, loop, retryBeforeFirstSession, calls, listener));
  }

  /**
   * A client of host {@code host} over the transport {@code transports} makes (a {@link
   * BrokerTransport}, for instance).
   *
   * @param port what {@link #port()} reports
   * @param name the client's name, for messages
   */
  public StompHostClient(String host, int port, String name, ClientContext ctx, HostOptions options, TransportFactory transports) {
    this.host = requireNonNull(host, "host");
    this.port = port;
    this.name = requireNonNull(name, "name");
    this.ctx = requireNonNull(ctx, "ctx");
    requireNonNull(options, "options");
    this.loop = ctx.group().next();
    this.answers = new SerialLane(name + " answers", ctx.workers(), ctx.parseBacklogBytes());
    this.eventLane = new SerialLane(name + " events", ctx.workers(), ctx.parseBacklogBytes());
    this.calls = new CallTracker(name, ctx.maxPendingCalls(), ctx.deadlines(), answers,
        response -> ctx.unmatchedResponses().accept(this, response), this::forgetUnsent);
    this.events = new EventRouter(host, name, ctx.events(), ctx.eventQueueCapacity(), this::eventInterestChanged);
    this.transport = requireNonNull(transports, "transports").make(name, loop, calls, this);
    this.submitter = new CallSubmitter(name, ctx.defaultTimeout(), options.batchesAsSeparateRequests(), calls, transport,
        () -> state == State.CLOSED);
    this.irs = new SideView(this, Side.IRS);
  }

  private static int checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    return port;
  }

  private static String nameOf(String host, int port) {
    requireNonNull(host, "host");
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private void forgetUnsent(OutgoingRequest request) {
    transport.forget(request);
  }

  private void eventInterestChanged() {
    transport.eventInterestChanged();
  }

  /** Starts connecting. */
  public StompHostClient start() {
    transport.start();
    return this;
  }

  /** Completes with this client when the first session is established; fails when that fails. */
  public CompletableFuture<HostClient> firstSession() {
    return firstSession;
  }

  /** The heart-beat negotiated on the current session (none while disconnected). */
  public HeartBeat.Negotiated negotiatedHeartBeat() {
    return transport.negotiatedHeartBeat();
  }

  /** How many sessions were established so far (1 after connecting, +1 per reconnect). */
  public long sessionCount() {
    return transport.sessionCount();
  }

  /** The CONNECT {@code host} header for {@code host} (see {@link DirectTransport}). */
  static String connectHostHeader(String host) {
    return DirectTransport.connectHostHeader(host);
  }

  // ------------------------------------------------------------------------------ HostClient

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

  @Override
  public State state() {
    return state;
  }

  @Override
  public void addStateListener(StateListener stateListener) {
    listeners.add(requireNonNull(stateListener, "listener"));
  }

  @Override
  public HostClient irs() {
    return irs;
  }

  @Override
  public CompletableFuture<JsonElement> call(RpcCall call) {
    requireNonNull(call, "call");
    return submit(Side.VDS, List.of(call), false).get(0);
  }

  @Override
  public List<CompletableFuture<JsonElement>> batch(List<RpcCall> calls) {
    return submit(Side.VDS, calls, true);
  }

  @Override
  public <T> CompletableFuture<T> call(RpcCall call, TypeToken<T> type) {
    return submitTyped(Side.VDS, call, type);
  }

  /** One call whose result is read straight into {@code type} (no tree when the answer is plain). */
  <T> CompletableFuture<T> submitTyped(Side side, RpcCall call, TypeToken<T> type) {
    requireNonNull(call, "call");
    requireNonNull(type, "type");
    List<CompletableFuture<T>> futures = submit(side, List.of(call), false, List.of(type.getType()));
    return futures.get(0);
  }

  @Override
  public EventSubscription subscribe(String pattern, Flow.Subscriber<? super HostEvent> subscriber) {
    return events.subscribe(pattern, subscriber);
  }

  @Override
  public EventSubscription subscribe(String pattern, Consumer<? super HostEvent> callback) {
    return subscribe(pattern, EventSubscriber.callback(callback));
  }

  @Override
  public int pendingCalls() {
    return calls.pendingCount();
  }

  @Override
  public boolean disconnect(Duration wait) {
    requireNonNull(wait, "wait");
    if (loop.inEventLoop()) {
      throw new IllegalStateException("disconnect() blocks; on a network thread use closeAsync()");
    }
    try {
      return closeAsync(wait).get(wait.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public CompletableFuture<Boolean> closeAsync() {
    return closeAsync(DEFAULT_CLOSE_WAIT);
  }

  /** Closes, waiting at most {@code wait} for the receipt of DISCONNECT. */
  public CompletableFuture<Boolean> closeAsync(Duration wait) {
    transport.close(requireNonNull(wait, "wait"));
    return closedFuture;
  }

  @Override
  public String toString() {
    return "StompHostClient{" + name + ", " + state + ", " + calls.pendingCount() + " pending}";
  }

  // ------------------------------------------------------------------------------ calls

  /** Validates the calls and hands them to the transport ({@link CallSubmitter}). */
  List<CompletableFuture<JsonElement>> submit(Side side, List<RpcCall> rpcCalls, boolean asBatch) {
    return submit(side, rpcCalls, asBatch, null);
  }

  /**
   * {@link #submit(Side, List, boolean)} with the type each call wants its result as ({@code
   * types} {@code null}: trees); the futures complete with values of those types.
   */
  <T> List<CompletableFuture<T>> submit(Side side, List<RpcCall> rpcCalls, boolean asBatch, List<Type> types) {
    return ClientListener.observe(ctx.listener(), this, submitter.submit(side, rpcCalls, asBatch, types));
  }

  // ------------------------------------------------------------------------------ TransportListener

  @Override
  public void stateVisible(State newState) {
    state = newState;
  }

  @Override
  public void stateChanged(State newState, VdsmClientException cause) {
    state = newState;
    if (announced == newState && newState != State.DISCONNECTED) {
      return;
    }
    announced = newState;
    for (StateListener l : listeners) {
      answers.execute(() -> {
        try {
          l.stateChanged(this, newState, cause);
        } catch (RuntimeException e) {
          log.warn("{}: state listener failed", name, e);
        }
      });
    }
  }

  @Override
  public void sessionStarted() {
    answers.execute(() -> firstSession.complete(this));
  }

  @Override
  public void answers(Side side, String destination, byte[] body, Channel from) {
    answers.executeFrame(() -> calls.onAnswers(side, destination, body), body.length, from);
  }

  @Override
  public void events(String destination, byte[] body, Channel from) {
    eventLane.executeFrame(() -> events.onEvents(destination, body), body.length, from);
  }

  @Override
  public boolean eventsWanted() {
    return events.wanted();
  }

  @Override
  public void ended(VdsmClientException cause, VdsmClientException failure, boolean confirmed) {
    stateChanged(State.CLOSED, failure);
    events.terminateAll(failure);
    answers.execute(() -> firstSession.completeExceptionally(cause));
    completeClosed(confirmed);
    ctx.closed().accept(this);
  }

  /**
   * Completes the close future on a worker, not on a lane: a caller blocked in {@link #disconnect}
   * on this host's lane (a callback) must not wait behind itself.
   */
  private void completeClosed(boolean confirmed) {
    try {
      ctx.workers().execute(() -> closedFuture.complete(confirmed));
    } catch (RejectedExecutionException e) {
      closedFuture.complete(confirmed);
    }
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.TooManyPendingCallsException;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The JSON-RPC/STOMP client of one host: one connection at a time, made again by the reconnect
 * policy when it is lost, carrying both sides (VDS, IRS) and the events subscription.
 *
 * <p><b>Threading.</b> Connection state ({@link Phase}, the current session, the queue of calls
 * waiting for a connection, timers) belongs to one event loop of the shared group and is only
 * touched there, so frames are written in a fixed order: CONNECT, then the SUBSCRIBEs, then the
 * SENDs that waited, then new ones. Calls in flight are in a concurrent map keyed by request id:
 * whoever removes an entry (answer, timeout, connection loss, close) completes its future, exactly
 * once; the pending count drops with it. Answers and events are parsed on the host's {@link
 * SerialLane}s (worker threads, in order), where futures are completed; the event loop never runs
 * caller code.
 */
public final class StompHostClient implements HostClient {
  private static final Logger log = LoggerFactory.getLogger(StompHostClient.class);

  /** How long {@link #closeAsync()} waits for the receipt of DISCONNECT. */
  static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(2);

  private enum Phase {
    NEW,
    CONNECTING,
    READY,
    BACKOFF,
    CLOSING,
    CLOSED
  }

  /** One SEND frame: a single request or a batch. */
  private static final class Send {
    final Side side;
    final StompFrame frame;
    final List<Pending> calls = new ArrayList<>();
    final AtomicInteger remaining = new AtomicInteger();
    /** Set on the event loop when handed to a channel; from then on a loss fails it. */
    volatile Channel writtenTo;

    Send(Side side, StompFrame frame) {
      this.side = side;
      this.frame = frame;
    }
  }

  /** One call waiting for its answer. */
  private static final class Pending {
    final JsonRpcId id;
    final String method;
    final Send send;
    final CompletableFuture<JsonElement> future = new CompletableFuture<>();
    final long timeoutMs;
    final String flowId;
    volatile ScheduledFuture<?> timer;

    Pending(JsonRpcId id, String method, Send send, long timeoutMs, String flowId) {
      this.id = id;
      this.method = method;
      this.send = send;
      this.timeoutMs = timeoutMs;
      this.flowId = flowId;
    }
  }

  private final String host;
  private final int port;
  private final String name;
  private final ClientContext ctx;
  private final EventLoop loop;
  private final boolean retryBeforeFirstSession;
  private final SerialLane answers;
  private final SerialLane eventLane;
  private final Map<Side, String> responseSubscriptionIds = new EnumMap<>(Side.class);
  private final String eventsSubscriptionId = UUID.randomUUID().toString();
  private final SideView irs;
  private final ClientStompHandler.Listener listener = new SessionListener();

  private final ConcurrentHashMap<JsonRpcId, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicInteger reserved = new AtomicInteger();
  private final Map<Side, Set<Send>> inFlight = new EnumMap<>(Side.class);
  private final CopyOnWriteArrayList<EventSubscriber> subscribers = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<StateListener> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<HostClient> firstSession = new CompletableFuture<>();
  private final CompletableFuture<Boolean> closedFuture = new CompletableFuture<>();
  private final AtomicLong sessions = new AtomicLong();
  private volatile State state = State.CONNECTING;
  private volatile HeartBeat.Negotiated negotiated = HeartBeat.Negotiated.NONE;
  private volatile VdsmClientException closeCause;

  // Event-loop confined.
  private Phase phase = Phase.NEW;
  /** The last state told to listeners. */
  private State announced = State.CONNECTING;
  private ClientStompHandler session;
  private int failures;
  private boolean everConnected;
  private boolean eventsSubscribed;
  private boolean receiptConfirmed;
  private String disconnectReceipt;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> connectTimer;
  private ScheduledFuture<?> closeTimer;
  private final LinkedHashSet<Send> waiting = new LinkedHashSet<>();

  /**
   * @param retryBeforeFirstSession whether a failure of the very first connection is retried by the
   *     policy ({@link EngineClientFactory#open}) or ends the client ({@link EngineClientFactory#connect})
   */
  public StompHostClient(String host, int port, ClientContext ctx, boolean retryBeforeFirstSession) {
    this.host = requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    this.port = port;
    this.name = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    this.ctx = requireNonNull(ctx, "ctx");
    this.loop = ctx.group().next();
    this.retryBeforeFirstSession = retryBeforeFirstSession;
    this.answers = new SerialLane(name + " answers", ctx.workers(), ctx.parseBacklogBytes());
    this.eventLane = new SerialLane(name + " events", ctx.workers(), ctx.parseBacklogBytes());
    for (Side side : Side.values()) {
      responseSubscriptionIds.put(side, UUID.randomUUID().toString());
      inFlight.put(side, ConcurrentHashMap.newKeySet());
    }
    this.irs = new SideView(this, Side.IRS);
  }

  /** Starts connecting. */
  public StompHostClient start() {
    execute(() -> {
      if (phase == Phase.NEW) {
        attempt();
      }
    });
    return this;
  }

  /** Completes with this client when the first session is established; fails when that fails. */
  public CompletableFuture<HostClient> firstSession() {
    return firstSession;
  }

  /** The heart-beat negotiated on the current session (none while disconnected). */
  public HeartBeat.Negotiated negotiatedHeartBeat() {
    return negotiated;
  }

  /** How many sessions were established so far (1 after connecting, +1 per reconnect). */
  public long sessionCount() {
    return sessions.get();
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
  public EventSubscription subscribe(String pattern, Flow.Subscriber<? super HostEvent> subscriber) {
    EventPattern parsed = EventPattern.parse(pattern, host);
    requireNonNull(subscriber, "subscriber");
    EventSubscriber sub =
        new EventSubscriber(name, parsed, subscriber, ctx.events(), ctx.eventQueueCapacity(), this::unsubscribed);
    subscribers.add(sub);
    sub.start();
    if (state == State.CLOSED) {
      subscribers.remove(sub);
      sub.terminate(null);
      return sub;
    }
    execute(this::syncEventSubscription);
    return sub;
  }

  @Override
  public EventSubscription subscribe(String pattern, Consumer<? super HostEvent> callback) {
    return subscribe(pattern, EventSubscriber.callback(callback));
  }

  @Override
  public int pendingCalls() {
    return pending.size();
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
    requireNonNull(wait, "wait");
    if (!execute(() -> beginClose(wait))) {
      closedFuture.complete(false);
    }
    return closedFuture;
  }

  @Override
  public String toString() {
    return "StompHostClient{" + name + ", " + state + ", " + pending.size() + " pending}";
  }

  // ------------------------------------------------------------------------------ calls

  /** Validates, reserves, registers and hands one SEND (a request or a batch) to the event loop. */
  List<CompletableFuture<JsonElement>> submit(Side side, List<RpcCall> calls, boolean asBatch) {
    requireNonNull(calls, "calls");
    if (calls.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one call");
    }
    for (RpcCall c : calls) {
      requireNonNull(c, "call");
    }
    int n = calls.size();
    if (state == State.CLOSED) {
      return failedAll(n, closedFailure());
    }
    if (reserved.addAndGet(n) > ctx.maxPendingCalls()) {
      reserved.addAndGet(-n);
      return failedAll(n, new TooManyPendingCallsException(
          name + " already has " + pending.size() + " calls waiting (limit " + ctx.maxPendingCalls() + ")"));
    }
    String flowId = null;
    List<JsonRpcRequest> requests = new ArrayList<>(n);
    for (RpcCall c : calls) {
      requests.add(new JsonRpcRequest(JsonRpcId.random(), c.method(), c.params()));
      if (flowId == null) {
        flowId = c.flowId();
      }
    }
    if (flowId == null) {
      flowId = MDC.get(FLOW_ID_MDC_KEY);
    }
    byte[] body;
    try {
      body = asBatch ? JsonRpcCodec.encodeBatch(requests) : JsonRpcCodec.encode(requests.get(0));
    } catch (RuntimeException e) {
      reserved.addAndGet(-n);
      throw e;
    }
    StompFrame.Builder frame =
        StompFrame.builder(StompCommand.SEND)
            .header(StompHeaders.DESTINATION, side.requests())
            .header(StompHeaders.REPLY_TO, side.responses())
            .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON);
    if (flowId != null) {
      frame.header(StompHeaders.OVIRT_CORRELATION_ID, flowId);
    }
    Send send = new Send(side, frame.body(body).build());
    List<CompletableFuture<JsonElement>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RpcCall c = calls.get(i);
      Duration timeout = c.timeout() == null ? ctx.defaultTimeout() : c.timeout();
      Pending p = new Pending(requests.get(i).id(), c.method(), send, timeout.toMillis(), flowId);
      send.calls.add(p);
      send.remaining.incrementAndGet();
      pending.put(p.id, p);
      futures.add(p.future);
    }
    try {
      for (Pending p : send.calls) {
        p.timer = loop.schedule(() -> timedOut(p), p.timeoutMs, TimeUnit.MILLISECONDS);
      }
      loop.execute(() -> dispatch(send));
    } catch (RejectedExecutionException e) {
      fail(send, new ConnectionLostException(Reason.CLIENT_CLOSED, "the client factory is closed", e));
    }
    return futures;
  }

  private static List<CompletableFuture<JsonElement>> failedAll(int n, VdsmClientException failure) {
    List<CompletableFuture<JsonElement>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(CompletableFuture.failedFuture(failure));
    }
    return futures;
  }

  private VdsmClientException closedFailure() {
    VdsmClientException cause = closeCause;
    return cause != null ? cause : new ConnectionLostException(Reason.CLIENT_CLOSED, "the client of " + name + " is closed", null);
  }

  /** On the loop: write now, wait, or fail, by phase and policy. */
  private void dispatch(Send send) {
    if (send.remaining.get() == 0) {
      return; // every call of it already timed out: never written, never will be
    }
    switch (phase) {
      case READY -> {
        write(send);
        session.context().channel().flush();
      }
      case CLOSING, CLOSED -> fail(send, closedFailure());
      default -> {
        if (ctx.whileDisconnected() == WhileDisconnected.FAIL_FAST) {
          fail(send, notConnected());
        } else {
          waiting.add(send);
        }
      }
    }
  }

  private ConnectionLostException notConnected() {
    return new ConnectionLostException(Reason.NOT_CONNECTED, "not connected to " + name + " (" + state + ")", null);
  }

  /** On the loop, in READY: hands the frame to the channel (the caller flushes). */
  private void write(Send send) {
    Channel ch = session.context().channel();
    send.writtenTo = ch;
    Set<Send> flying = inFlight.get(send.side);
    flying.add(send);
    if (send.remaining.get() == 0) {
      flying.remove(send);
    }
    ch.write(send.frame).addListener(f -> {
      if (!f.isSuccess()) {
        fail(send, new ConnectionLostException(Reason.IO_ERROR,
            "cannot send to " + name + ": " + ClientStompHandler.rootMessage(f.cause()), f.cause()));
      }
    });
  }

  /**
   * Removes {@code p} if it is still pending; only the remover may complete its future.
   *
   * @return whether this caller removed it
   */
  private boolean finish(Pending p, boolean cancelTimer) {
    if (!pending.remove(p.id, p)) {
      return false;
    }
    ScheduledFuture<?> timer = p.timer;
    if (cancelTimer && timer != null) {
      timer.cancel(false);
    }
    reserved.decrementAndGet();
    if (p.send.remaining.decrementAndGet() == 0) {
      inFlight.get(p.send.side).remove(p.send);
    }
    return true;
  }

  /** Fails every call of {@code send} still pending; completion runs on the answers lane. */
  private void fail(Send send, VdsmClientException failure) {
    List<Pending> failed = new ArrayList<>(send.calls.size());
    for (Pending p : send.calls) {
      if (finish(p, true)) {
        failed.add(p);
      }
    }
    if (!failed.isEmpty()) {
      answers.execute(() -> failed.forEach(p -> p.future.completeExceptionally(failure)));
    }
  }

  private void timedOut(Pending p) {
    if (!finish(p, false)) {
      return;
    }
    if (p.send.writtenTo == null && p.send.remaining.get() == 0) {
      waiting.remove(p.send);
    }
    CallTimeoutException timeout = new CallTimeoutException(
        "no answer from " + name + " to " + p.method + " within " + p.timeoutMs + " ms (id " + p.id
            + (p.flowId == null ? "" : ", flow " + p.flowId) + ")");
    if (log.isDebugEnabled()) {
      try (MDC.MDCCloseable flow = p.flowId == null ? null : MDC.putCloseable(FLOW_ID_MDC_KEY, p.flowId)) {
        log.debug("{}", timeout.getMessage());
      }
    }
    answers.execute(() -> p.future.completeExceptionally(timeout));
  }

  // ------------------------------------------------------------------------------ answers

  /** On the answers lane: parses one MESSAGE body from a reply-to subscription. */
  private void onAnswers(Side side, byte[] body) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    List<JsonRpcResponse> nullIds = new ArrayList<>(0);
    for (JsonRpcPayload.Item item : payload.items()) {
      if (item instanceof JsonRpcPayload.Invalid invalid) {
        if (invalid.id().equals(JsonRpcId.NULL)) {
          report(invalid.toResponse(), "unreadable answer on " + side.responses() + ": " + invalid.error().message());
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
        log.debug("{}: ignoring a {} on {}", name, message.getClass().getSimpleName(), side.responses());
      }
    }
    for (JsonRpcResponse response : nullIds) {
      attributeNullId(side, response);
    }
  }

  private void complete(JsonRpcResponse response) {
    Pending p = pending.get(response.id());
    if (p == null || !finish(p, true)) {
      report(response, "answer for " + response.id() + " matches no call in flight (late, or never made)");
      return;
    }
    if (response.isSuccess()) {
      p.future.complete(response.result());
    } else {
      p.future.completeExceptionally(new JsonRpcErrorException(response.error()));
    }
  }

  /**
   * An answer with {@code "id": null}: the host could not read the request's id. It belongs to the
   * only SEND in flight on that reply destination when there is exactly one (every call of it still
   * pending fails with the error); otherwise it cannot be attributed and is reported.
   */
  private void attributeNullId(Side side, JsonRpcResponse response) {
    List<Send> candidates = new ArrayList<>(2);
    for (Send s : inFlight.get(side)) {
      if (s.remaining.get() > 0) {
        candidates.add(s);
      }
    }
    if (response.isSuccess() || candidates.size() != 1) {
      report(response, "answer with id null on " + side.responses() + " while " + candidates.size()
          + " requests are in flight there: cannot tell which it belongs to");
      return;
    }
    Send send = candidates.get(0);
    log.warn("{}: error with id null attributed to the only request in flight on {}: {} {}",
        name, side.responses(), response.error().code(), response.error().message());
    for (Pending p : send.calls) {
      if (finish(p, true)) {
        p.future.completeExceptionally(new JsonRpcErrorException(response.error()));
      }
    }
  }

  private void report(JsonRpcResponse response, String why) {
    log.warn("{}: {}{}", name, why,
        response.isSuccess() ? "" : " (error " + response.error().code() + ": " + response.error().message() + ")");
    try {
      ctx.unmatchedResponses().accept(this, response);
    } catch (RuntimeException e) {
      log.warn("{}: unmatched-response handler failed", name, e);
    }
  }

  // ------------------------------------------------------------------------------ events

  /** On the events lane: parses one MESSAGE body from the events subscription. */
  private void onEvents(byte[] body) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    for (JsonRpcPayload.Item item : payload.items()) {
      if (item instanceof JsonRpcPayload.Valid valid && valid.message() instanceof JsonRpcNotification n) {
        HostEvent event = toEvent(n);
        if (event == null) {
          log.debug("{}: ignoring notification {} (not |subsystem|event|id)", name, n.method());
          continue;
        }
        for (EventSubscriber s : subscribers) {
          s.offer(event);
        }
      } else {
        log.debug("{}: ignoring a non-notification on {}", name, EngineClientFactory.EVENTS);
      }
    }
  }

  /** {@code |subsystem|event|id} (receiver part empty on the host) to an event of this host. */
  HostEvent toEvent(JsonRpcNotification n) {
    String[] parts = n.method().split("\\|", 4);
    if (parts.length != 4 || parts[1].isEmpty() || parts[2].isEmpty() || parts[3].isEmpty()) {
      return null;
    }
    return new HostEvent(host, parts[1], parts[2], parts[3], n.params());
  }

  private void unsubscribed(EventSubscriber sub) {
    subscribers.remove(sub);
    execute(this::syncEventSubscription);
  }

  /** On the loop: (un)subscribes the events destination when the first subscriber comes or the last goes. */
  private void syncEventSubscription() {
    if (phase != Phase.READY) {
      return;
    }
    boolean want = !subscribers.isEmpty();
    if (want == eventsSubscribed) {
      return;
    }
    Channel ch = session.context().channel();
    ch.writeAndFlush(want ? subscribeFrame(EngineClientFactory.EVENTS, eventsSubscriptionId)
        : unsubscribeFrame(eventsSubscriptionId), ch.voidPromise());
    eventsSubscribed = want;
  }

  private static StompFrame subscribeFrame(String destination, String id) {
    return StompFrame.builder(StompCommand.SUBSCRIBE)
        .header(StompHeaders.DESTINATION, destination)
        .header(StompHeaders.ID, id)
        .header(StompHeaders.ACK, "auto")
        .build();
  }

  private static StompFrame unsubscribeFrame(String id) {
    return StompFrame.builder(StompCommand.UNSUBSCRIBE).header(StompHeaders.ID, id).build();
  }

  // ------------------------------------------------------------------------------ connection

  /**
   * The CONNECT {@code host} header: the host name or address, except an IPv6 literal, which is
   * sent as {@code null} as real engines do: CONNECT headers are not escaped, and VDSM drops a
   * connection whose CONNECT has a raw colon in a header value.
   */
  static String connectHostHeader(String host) {
    return host.indexOf(':') >= 0 ? "null" : host;
  }

  /** Runs {@code task} on the loop; false when the loop is shut down. */
  private boolean execute(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void setState(State newState, VdsmClientException cause) {
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

  /** On the loop: one connection attempt. */
  private void attempt() {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.CONNECTING;
    setState(State.CONNECTING, null);
    ClientStompHandler h = new ClientStompHandler(name, connectHostHeader(host), ctx.heartBeat(), ctx.heartBeatGrace(), listener);
    session = h;
    long timeoutMs = ctx.connectTimeout().toMillis();
    connectTimer = loop.schedule(() -> {
      if (session == h && phase == Phase.CONNECTING) {
        String why = "timed out after " + timeoutMs + " ms";
        if (h.context() == null) {
          h.connectFailed(new java.net.ConnectException(why));
        } else {
          h.abort(Reason.CONNECT_FAILED, why, null);
        }
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    // Name resolution may block: never on the event loop.
    try {
      ctx.workers().execute(() -> {
        InetAddress address;
        try {
          address = InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException e) {
          execute(() -> {
            if (session == h) {
              h.connectFailed(new UnknownHostException("unknown host " + host));
            }
          });
          return;
        }
        execute(() -> connectTo(h, address));
      });
    } catch (RejectedExecutionException e) {
      h.connectFailed(e);
    }
  }

  private void connectTo(ClientStompHandler h, InetAddress address) {
    if (session != h || phase != Phase.CONNECTING) {
      return;
    }
    long timeoutMs = ctx.connectTimeout().toMillis();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(ctx.transport().socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (ctx.ssl() != null) {
                      SslHandler tls = ctx.ssl().newHandler(ch.alloc(), host, port);
                      tls.setHandshakeTimeoutMillis(timeoutMs);
                      ch.pipeline().addLast("tls", tls);
                    }
                    ch.pipeline().addLast(ClientStompHandler.DECODER, new StompFrameDecoder(ctx.limits()));
                    ch.pipeline().addLast("stomp-encoder", StompFrameEncoder.INSTANCE);
                    ch.pipeline().addLast("stomp-session", h);
                  }
                });
    ChannelFuture connecting = bootstrap.connect(new InetSocketAddress(address, port));
    connecting.addListener(f -> {
      if (!f.isSuccess()) {
        h.connectFailed(f.cause());
      }
    });
  }

  /** The handler's reports, all on the loop. */
  private final class SessionListener implements ClientStompHandler.Listener {
    @Override
    public void sessionStarted(ClientStompHandler h, HeartBeat.Negotiated heartBeat) {
      if (h != session || phase != Phase.CONNECTING) {
        h.abort(Reason.CLIENT_CLOSED, "a session nobody waits for", null);
        return;
      }
      cancel(connectTimer);
      negotiated = heartBeat;
      Channel ch = h.context().channel();
      // Order on the wire: the SUBSCRIBEs, then the calls that waited, then anything newer.
      for (Side side : Side.values()) {
        ch.write(subscribeFrame(side.responses(), responseSubscriptionIds.get(side)), ch.voidPromise());
      }
      eventsSubscribed = !subscribers.isEmpty();
      if (eventsSubscribed) {
        ch.write(subscribeFrame(EngineClientFactory.EVENTS, eventsSubscriptionId), ch.voidPromise());
      }
      phase = Phase.READY;
      failures = 0;
      everConnected = true;
      sessions.incrementAndGet();
      for (Send send : waiting) {
        if (send.remaining.get() > 0) {
          write(send);
        }
      }
      waiting.clear();
      ch.flush();
      log.info("{}: connected (session {}, heart-beat {})", name, sessions.get(), heartBeat);
      setState(State.CONNECTED, null);
      answers.execute(() -> firstSession.complete(StompHostClient.this));
    }

    @Override
    public void message(ClientStompHandler h, StompFrame frame) {
      if (h != session) {
        return;
      }
      Channel ch = h.context().channel();
      String subscription = frame.header(StompHeaders.SUBSCRIPTION);
      String destination = frame.header(StompHeaders.DESTINATION);
      byte[] body = frame.body();
      for (Side side : Side.values()) {
        if (responseSubscriptionIds.get(side).equals(subscription)
            || (subscription == null && side.responses().equals(destination))) {
          answers.executeFrame(() -> onAnswers(side, body), body.length, ch);
          return;
        }
      }
      if (eventsSubscriptionId.equals(subscription)
          || (subscription == null && EngineClientFactory.EVENTS.equals(destination))) {
        eventLane.executeFrame(() -> onEvents(body), body.length, ch);
        return;
      }
      log.debug("{}: ignoring MESSAGE for subscription {} ({})", name, subscription, destination);
    }

    @Override
    public void receipt(ClientStompHandler h, String receiptId) {
      if (h == session && phase == Phase.CLOSING && receiptId.equals(disconnectReceipt)) {
        receiptConfirmed = true;
        h.abort(Reason.CLIENT_CLOSED, "closed by the client", null);
      }
    }

    @Override
    public void sessionEnded(ClientStompHandler h, ConnectionLostException failure) {
      if (h != session) {
        return;
      }
      session = null;
      negotiated = HeartBeat.Negotiated.NONE;
      eventsSubscribed = false;
      cancel(connectTimer);
      // Readers see the new state before the failed calls do; listeners are told below.
      boolean terminal = phase == Phase.CLOSING || phase == Phase.CLOSED
          || (!everConnected && !retryBeforeFirstSession) || !ctx.reconnect().allows(failures + 1);
      state = terminal ? State.CLOSED : State.DISCONNECTED;
      Channel ch = h.context() == null ? null : h.context().channel();
      if (ch != null) {
        failWrittenTo(ch, failure);
      }
      if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
        finishClose();
        return;
      }
      if (!everConnected && !retryBeforeFirstSession) {
        log.debug("{}", failure.getMessage());
        end(failure, failure);
        return;
      }
      failures++;
      if (!ctx.reconnect().allows(failures)) {
        String why = failures == 1
            ? "not reconnecting to " + name + " (the reconnect policy allows no attempt): "
            : "gave up connecting to " + name + " after " + (failures - 1) + " attempt(s): ";
        ConnectionLostException gaveUp = new ConnectionLostException(Reason.GAVE_UP, why + failure.getMessage(), failure);
        log.warn("{}", gaveUp.getMessage());
        end(gaveUp, gaveUp);
        return;
      }
      phase = Phase.BACKOFF;
      if (ctx.whileDisconnected() == WhileDisconnected.FAIL_FAST) {
        failWaiting(notConnected());
      }
      Duration delay = ctx.reconnect().delay(failures, ThreadLocalRandom.current().nextDouble());
      log.info("{}: {}; next attempt in {} ms (attempt {})", name, failure.getMessage(), delay.toMillis(), failures);
      setState(State.DISCONNECTED, failure);
      reconnectTimer = loop.schedule(StompHostClient.this::attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** On the loop: fails the calls written to {@code ch} (they may have run: never re-sent). */
  private void failWrittenTo(Channel ch, VdsmClientException failure) {
    List<Send> lost = new ArrayList<>();
    for (Side side : Side.values()) {
      for (Send s : inFlight.get(side)) {
        if (s.writtenTo == ch) {
          lost.add(s);
        }
      }
    }
    for (Send s : lost) {
      fail(s, failure);
    }
  }

  private void failWaiting(VdsmClientException failure) {
    List<Send> all = new ArrayList<>(waiting);
    waiting.clear();
    for (Send s : all) {
      fail(s, failure);
    }
  }

  /** On the loop: the client is finished for good (never connected, or gave up). */
  private void end(VdsmClientException cause, Throwable subscriberError) {
    phase = Phase.CLOSED;
    closeCause = cause;
    cancel(reconnectTimer);
    failWaiting(cause);
    failEverything(cause);
    setState(State.CLOSED, cause);
    for (EventSubscriber s : subscribers) {
      s.terminate(subscriberError);
    }
    subscribers.clear();
    answers.execute(() -> firstSession.completeExceptionally(cause));
    completeClosed(false);
    ctx.closed().accept(this);
  }

  private void failEverything(VdsmClientException cause) {
    for (Pending p : List.copyOf(pending.values())) {
      if (finish(p, true)) {
        answers.execute(() -> p.future.completeExceptionally(cause));
      }
    }
  }

  /** On the loop: UNSUBSCRIBE and DISCONNECT with receipt when connected, then close. */
  private void beginClose(Duration wait) {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      return;
    }
    Phase was = phase;
    phase = Phase.CLOSING;
    ConnectionLostException closing = new ConnectionLostException(Reason.CLIENT_CLOSED, "the client of " + name + " was closed", null);
    closeCause = closing;
    cancel(reconnectTimer);
    failWaiting(closing);
    ClientStompHandler h = session;
    if (was == Phase.READY && h != null) {
      Channel ch = h.context().channel();
      for (Side side : Side.values()) {
        ch.write(unsubscribeFrame(responseSubscriptionIds.get(side)), ch.voidPromise());
      }
      if (eventsSubscribed) {
        ch.write(unsubscribeFrame(eventsSubscriptionId), ch.voidPromise());
      }
      disconnectReceipt = "disconnect-" + UUID.randomUUID();
      ch.writeAndFlush(StompFrame.builder(StompCommand.DISCONNECT).header(StompHeaders.RECEIPT, disconnectReceipt).build(),
          ch.voidPromise());
      closeTimer = loop.schedule(() -> {
        if (session == h) {
          h.abort(Reason.CLIENT_CLOSED, "closed by the client (no receipt for DISCONNECT)", null);
        }
      }, wait.toNanos(), TimeUnit.NANOSECONDS);
    } else if (h != null) {
      if (h.context() == null) {
        h.connectFailed(new java.io.IOException("closed by the client"));
      } else {
        h.abort(Reason.CLIENT_CLOSED, "closed by the client", null);
      }
    } else {
      finishClose();
    }
  }

  private void finishClose() {
    phase = Phase.CLOSED;
    cancel(closeTimer);
    cancel(reconnectTimer);
    cancel(connectTimer);
    VdsmClientException cause = closedFailure();
    failWaiting(cause);
    failEverything(cause);
    setState(State.CLOSED, null);
    for (EventSubscriber s : subscribers) {
      s.terminate(null);
    }
    subscribers.clear();
    answers.execute(() -> firstSession.completeExceptionally(cause));
    completeClosed(receiptConfirmed);
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

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** The context of the current session's handler, for tests. */
  ChannelHandlerContext sessionContext() {
    ClientStompHandler h = session;
    return h == null ? null : h.context();
  }
}

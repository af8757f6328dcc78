package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;
import org.ovirt.vdsm.messaging.stomp.client.StompConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine's STOMP connection to an external broker, shared by the {@link BrokerTransport}s of
 * every host: connects to the broker URLs in order (the next one after each failure, with the
 * reconnect policy's backoff), offers heart-beats always, subscribes the engine's reply queue
 * ({@code ack:auto}) and waits for its RECEIPT before any request is sent, subscribes {@code
 * <events>H.*} for each host whose events are wanted, writes the hosts' requests ({@link
 * BrokerRequestFrames}) and hands every answer to its host by JSON-RPC id ({@link ReplyDemux}).
 *
 * <p>When the connection is lost, the requests written on it fail at once with {@link
 * ConnectionLostException} (they may or may not have run); requests waiting for a connection are
 * kept (or failed, by the {@code WhileDisconnected} policy) and written after the next subscribe.
 *
 * <p><b>Threading.</b> All state belongs to one event loop; answers are parsed on a {@link
 * SerialLane} of the worker pool, never on the loop.
 */
public final class BrokerSession {
  private static final Logger log = LoggerFactory.getLogger(BrokerSession.class);

  /** What is offered when the factory's heart-beat is 0,0: through a broker heart-beats are always on. */
  static final HeartBeat DEFAULT_HEART_BEAT = new HeartBeat(10_000, 10_000);

  private enum Phase { NEW, CONNECTING, SUBSCRIBING, READY, BACKOFF, CLOSING, CLOSED }

  private final String engineId;
  private final BrokerEndpoints endpoints;
  private final BrokerDestinations destinations;
  private final BrokerRequestFrames frames;
  private final ClientContext ctx;
  private final EventLoop loop;
  private final HeartBeat heartBeat;
  private final String name;
  private final BrokerReplies replies;
  private final BrokerSubscriptions subscriptions;
  private final AtomicLong sessions = new AtomicLong();
  private final CompletableFuture<Void> firstSession = new CompletableFuture<>();
  private final CompletableFuture<Boolean> closed = new CompletableFuture<>();
  private volatile HeartBeat.Negotiated negotiated = HeartBeat.Negotiated.NONE;
  private volatile boolean ready;

  // Event-loop confined.
  private Phase phase = Phase.NEW;
  private StompClientSession session;
  private final LinkedHashSet<BrokerTransport> transports = new LinkedHashSet<>();
  private int failures;
  private boolean disconnectConfirmed;
  private String subscribeReceipt;
  private String disconnectReceipt;
  private ScheduledFuture<?> connectTimer;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> closeTimer;

  /**
   * @param tls makes TLS connections ({@code null} when the factory has no TLS material)
   * @param plain makes plaintext connections
   */
  public BrokerSession(String engineId, List<BrokerUrl> urls, BrokerDestinations destinations, ClientContext ctx,
      StompConnector tls, StompConnector plain) {
    this.engineId = BrokerDestinations.checkId(engineId, "engineId");
    this.endpoints = new BrokerEndpoints(urls, tls, plain);
    this.destinations = requireNonNull(destinations, "destinations");
    this.ctx = requireNonNull(ctx, "ctx");
    this.frames = new BrokerRequestFrames(destinations, destinations.replies(engineId), engineId);
    this.loop = ctx.group().next();
    this.heartBeat = ctx.heartBeat().equals(HeartBeat.NONE) ? DEFAULT_HEART_BEAT : ctx.heartBeat();
    this.name = "broker session of " + engineId;
    this.replies = new BrokerReplies(name, frames.replyTo(), ctx);
    this.subscriptions = new BrokerSubscriptions(destinations.eventPrefix());
  }

  /** The engine id. */
  public String engineId() {
    return engineId;
  }

  /** The broker URLs, in the order they are tried. */
  public List<BrokerUrl> urls() {
    return endpoints.all();
  }

  /** The engine's reply destination. */
  public String replyTo() {
    return frames.replyTo();
  }

  /** The destination layout. */
  public BrokerDestinations destinations() {
    return destinations;
  }

  /** The loop every transport of this session runs on. */
  EventLoop loop() {
    return loop;
  }

  ClientContext context() {
    return ctx;
  }

  /** Whether requests are written now (connected and the reply queue subscribed). */
  public boolean isReady() {
    return ready;
  }

  /** Completes when the first session is subscribed; fails when the session closes before. */
  public CompletableFuture<Void> firstSession() {
    return firstSession;
  }

  /** How many sessions were subscribed so far. */
  public long sessionCount() {
    return sessions.get();
  }

  /** The heart-beat of the current session. */
  public HeartBeat.Negotiated negotiatedHeartBeat() {
    return negotiated;
  }

  /** How many calls are in flight through the broker (all hosts). */
  public int callsInFlight() {
    return replies.inFlight();
  }

  /** Starts connecting. */
  public void start() {
    execute(() -> {
      if (phase == Phase.NEW) {
        attempt();
      }
    });
  }

  /** Runs {@code task} on the loop; false when the loop is shut down. */
  boolean execute(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------ transports

  /** On the loop: {@code t} uses this session from now on; false when the session is closed. */
  boolean attach(BrokerTransport t) {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      return false;
    }
    transports.add(t);
    if (phase == Phase.READY) {
      syncEvents(t);
      t.sessionUp(session.channel());
      session.flush();
    } else {
      t.connecting();
    }
    return true;
  }

  /** On the loop: {@code t} closed; its event subscription goes. */
  void detach(BrokerTransport t) {
    transports.remove(t);
    boolean live = session != null && (phase == Phase.READY || phase == Phase.SUBSCRIBING);
    if (subscriptions.unsubscribe(live ? session : null, t)) {
      session.flush();
    }
    replies.forget(t);
  }

  /** On the loop, while ready: writes the SEND of {@code request} of {@code t} (the caller flushes). */
  void write(BrokerTransport t, OutgoingRequest request) {
    StompClientSession s = session;
    Channel ch = s.channel();
    StompFrame frame = frames.send(t.hostId(), request, System.currentTimeMillis());
    replies.expect(t, request);
    t.calls().written(request, ch);
    s.send(frame).addListener(f -> {
      if (!f.isSuccess()) {
        t.calls().fail(request, new ConnectionLostException(Reason.IO_ERROR,
            "cannot send to the broker " + s.name() + ": " + StompClientSession.rootMessage(f.cause()), f.cause()));
      }
    });
  }

  /** On the loop, while ready: flushes what was written. */
  void flush() {
    if (session != null) {
      session.flush();
    }
  }

  /** On the loop: (un)subscribes {@code t}'s events as its listener now wants them. */
  void syncEvents(BrokerTransport t) {
    if (phase != Phase.READY && phase != Phase.SUBSCRIBING) {
      return; // subscribed when the next session starts
    }
    boolean wanted = t.eventsWanted() && transports.contains(t);
    if (wanted && t.eventSubscription == null) {
      subscriptions.subscribe(session, t);
      session.flush();
    } else if (!wanted && subscriptions.unsubscribe(session, t)) {
      session.flush();
    }
  }

  // ------------------------------------------------------------------------------ connection

  /** On the loop: one connection attempt to the current URL. */
  private void attempt() {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.CONNECTING;
    for (BrokerTransport t : List.copyOf(transports)) {
      t.connecting();
    }
    BrokerUrl url = endpoints.current();
    StompClientSession s = new StompClientSession(url.name(), "/", heartBeat, ctx.heartBeatGrace(), new Listener(), "broker");
    session = s;
    connectTimer = endpoints.connector().open(loop, ctx.workers(), url.host(), url.port(), s,
        () -> session == s && phase == Phase.CONNECTING);
  }

  /** The session's reports, all on the loop. */
  private final class Listener implements StompClientSession.Listener {
    @Override
    public void sessionStarted(StompClientSession s, HeartBeat.Negotiated heartBeat) {
      if (s != session || phase != Phase.CONNECTING) {
        s.abort(SessionEnd.Reason.CLOSED_LOCALLY, "a session nobody waits for", null);
        return;
      }
      cancel(connectTimer);
      negotiated = heartBeat;
      phase = Phase.SUBSCRIBING;
      subscribeReceipt = "subscribed-" + UUID.randomUUID();
      BrokerSubscriptions.subscribeReplies(s, frames.replyTo(), subscribeReceipt);
      for (BrokerTransport t : transports) {
        if (t.eventsWanted()) {
          subscriptions.subscribe(s, t);
        }
      }
      s.flush();
      long timeoutMs = endpoints.connector().connectTimeout().toMillis();
      connectTimer = loop.schedule(() -> {
        if (session == s && phase == Phase.SUBSCRIBING) {
          s.abort(SessionEnd.Reason.PROTOCOL, "no RECEIPT for SUBSCRIBE " + frames.replyTo() + " within " + timeoutMs + " ms", null);
        }
      }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void receipt(StompClientSession s, String receiptId) {
      if (s != session) {
        return;
      }
      if (phase == Phase.SUBSCRIBING && receiptId.equals(subscribeReceipt)) {
        subscribed(s);
      } else if (phase == Phase.CLOSING && receiptId.equals(disconnectReceipt)) {
        disconnectConfirmed = true;
        s.abort(SessionEnd.Reason.CLOSED_LOCALLY, "closed by the client", null);
      }
    }

    @Override
    public void message(StompClientSession s, StompFrame frame) {
      if (s != session) {
        return;
      }
      subscriptions.dispatch(frame, s.channel(), replies);
    }

    @Override
    public void sessionEnded(StompClientSession s, SessionEnd end) {
      if (s == session) {
        lost(s, ConnectionLostException.from(end));
      }
    }
  }

  /** On the loop: the reply queue is subscribed; requests may go. */
  private void subscribed(StompClientSession s) {
    cancel(connectTimer);
    phase = Phase.READY;
    ready = true;
    failures = 0;
    sessions.incrementAndGet();
    log.info("{}: connected to {} (session {}, heart-beat {}), replies on {}",
        name, endpoints.current(), sessions.get(), negotiated, frames.replyTo());
    for (BrokerTransport t : List.copyOf(transports)) {
      t.sessionUp(s.channel());
    }
    s.flush();
    firstSession.complete(null);
  }

  /** On the loop: the connection went (or never came). */
  private void lost(StompClientSession s, ConnectionLostException failure) {
    session = null;
    ready = false;
    negotiated = HeartBeat.Negotiated.NONE;
    subscriptions.sessionEnded();
    cancel(connectTimer);
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      finishClose();
      return;
    }
    failures++;
    endpoints.advance();
    Channel ch = s.channel();
    if (!ctx.reconnect().allows(failures)) {
      ConnectionLostException gaveUp = new ConnectionLostException(Reason.GAVE_UP,
          "gave up connecting to the broker after " + (failures - 1) + " attempt(s): " + failure.getMessage(), failure);
      log.warn("{}: {}", name, gaveUp.getMessage());
      phase = Phase.CLOSED;
      for (BrokerTransport t : List.copyOf(transports)) {
        t.lost(ch, failure, true);
        t.end(gaveUp, gaveUp);
      }
      transports.clear();
      firstSession.completeExceptionally(gaveUp);
      closed.complete(false);
      return;
    }
    phase = Phase.BACKOFF;
    Duration delay = ctx.reconnect().delay(failures, ThreadLocalRandom.current().nextDouble());
    log.info("{}: {}; next attempt to {} in {} ms (attempt {})",
        name, failure.getMessage(), endpoints.current(), delay.toMillis(), failures);
    for (BrokerTransport t : List.copyOf(transports)) {
      t.lost(ch, failure, false);
    }
    reconnectTimer = loop.schedule(this::attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  // ------------------------------------------------------------------------------ close

  /**
   * Closes: every host client of this session closes, UNSUBSCRIBE, DISCONNECT with a receipt waited
   * for at most {@code wait}, then the connection.
   *
   * @return completes with whether the broker confirmed the DISCONNECT
   */
  public CompletableFuture<Boolean> close(Duration wait) {
    requireNonNull(wait, "wait");
    if (!execute(() -> beginClose(wait))) {
      closed.complete(false);
    }
    return closed;
  }

  private void beginClose(Duration wait) {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      return;
    }
    Phase was = phase;
    phase = Phase.CLOSING;
    ready = false;
    cancel(reconnectTimer);
    ConnectionLostException cause = new ConnectionLostException(Reason.CLIENT_CLOSED, "the " + name + " was closed", null);
    for (BrokerTransport t : List.copyOf(transports)) {
      t.end(cause, null);
    }
    transports.clear();
    firstSession.completeExceptionally(cause);
    StompClientSession s = session;
    if ((was == Phase.READY || was == Phase.SUBSCRIBING) && s != null) {
      subscriptions.unsubscribeAll(s);
      disconnectReceipt = "disconnect-" + UUID.randomUUID();
      closeTimer = s.disconnect(disconnectReceipt, wait);
    } else if (s != null) {
      s.closeNow();
    } else {
      finishClose();
    }
  }

  private void finishClose() {
    phase = Phase.CLOSED;
    cancel(closeTimer);
    cancel(reconnectTimer);
    log.debug("{}: closed", name);
    closed.complete(disconnectConfirmed);
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public String toString() {
    return "BrokerSession{" + engineId + ", " + endpoints.all() + ", " + (ready ? "ready" : "not ready") + "}";
  }
}

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
import java.util.function.BooleanSupplier;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
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

  private final String engineId;
  private final BrokerEndpoints endpoints;
  private final BrokerDestinations destinations;
  private final BrokerRequestFrames frames;
  private final ClientContext ctx;
  private final HeartBeat heartBeat;
  private final String name;
  private final BrokerReplies replies;
  private final BrokerSubscriptions subscriptions;
  private final ConnectionLifecycle connection;
  private final CompletableFuture<Void> firstSession = new CompletableFuture<>();
  private final CompletableFuture<Boolean> closed = new CompletableFuture<>();
  private volatile boolean ready;

  // Event-loop confined.
  private final LinkedHashSet<BrokerTransport> transports = new LinkedHashSet<>();
  private String subscribeReceipt;

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
    this.heartBeat = ctx.heartBeat().equals(HeartBeat.NONE) ? DEFAULT_HEART_BEAT : ctx.heartBeat();
    this.name = "broker session of " + engineId;
    this.replies = new BrokerReplies(name, frames.replyTo(), ctx);
    this.subscriptions = new BrokerSubscriptions(destinations.eventPrefix());
    this.connection = new ConnectionLifecycle(ctx.group().next(), ctx.reconnect(), true, new Steps());
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
    return connection.loop();
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
    return connection.sessionCount();
  }

  /** The heart-beat of the current session. */
  public HeartBeat.Negotiated negotiatedHeartBeat() {
    return connection.negotiated();
  }

  /** How many calls are in flight through the broker (all hosts). */
  public int callsInFlight() {
    return replies.inFlight();
  }

  /** Starts connecting. */
  public void start() {
    connection.start();
  }

  /** Runs {@code task} on the loop; false when the loop is shut down. */
  boolean execute(Runnable task) {
    return connection.execute(task);
  }

  // ------------------------------------------------------------------------------ transports

  /** On the loop: {@code t} uses this session from now on; false when the session is closed. */
  boolean attach(BrokerTransport t) {
    if (connection.phase().isClosing()) {
      return false;
    }
    transports.add(t);
    if (connection.phase() == ConnectionLifecycle.Phase.READY) {
      syncEvents(t);
      StompClientSession session = connection.session();
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
    StompClientSession session = connection.session();
    boolean live = session != null && connection.phase().isStarted();
    if (subscriptions.unsubscribe(live ? session : null, t)) {
      session.flush();
    }
    replies.forget(t);
  }

  /** On the loop, while ready: writes the SEND of {@code request} of {@code t} (the caller flushes). */
  void write(BrokerTransport t, OutgoingRequest request) {
    StompClientSession s = connection.session();
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
    StompClientSession session = connection.session();
    if (session != null) {
      session.flush();
    }
  }

  /** On the loop: (un)subscribes {@code t}'s events as its listener now wants them. */
  void syncEvents(BrokerTransport t) {
    if (!connection.phase().isStarted()) {
      return; // subscribed when the next session starts
    }
    StompClientSession session = connection.session();
    boolean wanted = t.eventsWanted() && transports.contains(t);
    if (wanted && t.eventSubscription == null) {
      subscriptions.subscribe(session, t);
      session.flush();
    } else if (!wanted && subscriptions.unsubscribe(session, t)) {
      session.flush();
    }
  }

  // ------------------------------------------------------------------------------ close

  /**
   * Closes: every host client of this session closes, UNSUBSCRIBE, DISCONNECT with a receipt waited
   * for at most {@code wait}, then the connection.
   *
   * @return completes with whether the broker confirmed the DISCONNECT
   */
  public CompletableFuture<Boolean> close(Duration wait) {
    if (!connection.close(wait)) {
      closed.complete(false);
    }
    return closed;
  }

  @Override
  public String toString() {
    return "BrokerSession{" + engineId + ", " + endpoints.all() + ", " + (ready ? "ready" : "not ready") + "}";
  }

  // ------------------------------------------------------------------------------ connection

  /** The connection's steps, all on the loop. */
  private final class Steps implements ConnectionLifecycle.Owner {
    @Override
    public void connecting() {
      for (BrokerTransport t : List.copyOf(transports)) {
        t.connecting();
      }
    }

    @Override
    public StompClientSession newSession(StompClientSession.Listener listener) {
      return new StompClientSession(endpoints.current().name(), "/", heartBeat, ctx.heartBeatGrace(), listener, "broker");
    }

    @Override
    public ScheduledFuture<?> open(StompClientSession session, BooleanSupplier wanted) {
      BrokerUrl url = endpoints.current();
      return endpoints.connector().open(connection.loop(), ctx.workers(), url.host(), url.port(), session, wanted);
    }

    /** Subscribes the reply queue (and the hosts' events); requests wait for its RECEIPT. */
    @Override
    public void sessionStarted(StompClientSession s, HeartBeat.Negotiated heartBeat) {
      connection.awaitConfirmation(endpoints.connector().connectTimeout(), "RECEIPT for SUBSCRIBE " + frames.replyTo());
      subscribeReceipt = "subscribed-" + UUID.randomUUID();
      BrokerSubscriptions.subscribeReplies(s, frames.replyTo(), subscribeReceipt);
      for (BrokerTransport t : transports) {
        if (t.eventsWanted()) {
          subscriptions.subscribe(s, t);
        }
      }
      s.flush();
    }

    @Override
    public void receipt(StompClientSession s, String receiptId) {
      if (connection.phase() == ConnectionLifecycle.Phase.CONFIRMING && receiptId.equals(subscribeReceipt)) {
        subscribed(s);
      }
    }

    /** The reply queue is subscribed; requests may go. */
    private void subscribed(StompClientSession s) {
      long count = connection.ready();
      ready = true;
      log.info("{}: connected to {} (session {}, heart-beat {}), replies on {}",
          name, endpoints.current(), count, connection.negotiated(), frames.replyTo());
      for (BrokerTransport t : List.copyOf(transports)) {
        t.sessionUp(s.channel());
      }
      s.flush();
      firstSession.complete(null);
    }

    @Override
    public void message(StompClientSession s, StompFrame frame) {
      subscriptions.dispatch(frame, s.channel(), replies);
    }

    @Override
    public void lost(StompClientSession s, ConnectionLostException failure, boolean terminal) {
      ready = false;
      subscriptions.sessionEnded();
      Channel ch = s.channel();
      for (BrokerTransport t : List.copyOf(transports)) {
        t.lost(ch, failure, terminal);
      }
    }

    @Override
    public void gaveUp(ConnectionLostException failure, int failures) {
      ConnectionLostException gaveUp = new ConnectionLostException(Reason.GAVE_UP,
          "gave up connecting to the broker after " + (failures - 1) + " attempt(s): " + failure.getMessage(), failure);
      log.warn("{}: {}", name, gaveUp.getMessage());
      for (BrokerTransport t : List.copyOf(transports)) {
        t.end(gaveUp, gaveUp);
      }
      transports.clear();
      firstSession.completeExceptionally(gaveUp);
      closed.complete(false);
    }

    @Override
    public void backingOff(ConnectionLostException failure, int failures, Duration delay) {
      endpoints.advance();
      log.info("{}: {}; next attempt to {} in {} ms (attempt {})",
          name, failure.getMessage(), endpoints.current(), delay.toMillis(), failures);
    }

    @Override
    public void closing() {
      ready = false;
      ConnectionLostException cause = new ConnectionLostException(Reason.CLIENT_CLOSED, "the " + name + " was closed", null);
      for (BrokerTransport t : List.copyOf(transports)) {
        t.end(cause, null);
      }
      transports.clear();
      firstSession.completeExceptionally(cause);
    }

    @Override
    public void beforeDisconnect(StompClientSession s) {
      subscriptions.unsubscribeAll(s);
    }

    @Override
    public void closed(boolean disconnectConfirmed) {
      log.debug("{}: closed", name);
      closed.complete(disconnectConfirmed);
    }
  }
}

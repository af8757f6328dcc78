package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.HostClient.State;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct transport: one STOMP connection to the host at a time, made again by the reconnect
 * policy when it is lost, carrying both sides (requests to VDSM's {@code jms.topic.vdsm_requests}
 * and {@code jms.topic.vdsm_irs_requests}) and the events subscription ({@code jms.queue.events}).
 * Each side's answers come back on a reply destination subscribed per connection: by default one
 * of the connection's own ({@code jms.topic.vdsm_responses.<uuid>}), so answers to other connections
 * never arrive here; VDSM's shared names when so configured.
 *
 * <p><b>Threading.</b> All state belongs to one event loop and is only touched there, so frames are
 * written in a fixed order: CONNECT, then the SUBSCRIBEs, then the SENDs that waited, then new ones.
 */
public final class DirectTransport implements HostTransport {
  private static final Logger log = LoggerFactory.getLogger(DirectTransport.class);

  private enum Phase { NEW, CONNECTING, READY, BACKOFF, CLOSING, CLOSED }

  private final String host;
  private final int port;
  private final String name;
  private final ClientContext ctx;
  private final EventLoop loop;
  private final boolean retryBeforeFirstSession;
  private final CallTracker calls;
  private final TransportListener listener;
  private final StompClientSession.Listener sessionListener = new SessionListener();
  private final AtomicLong sessions = new AtomicLong();
  private volatile HeartBeat.Negotiated negotiated = HeartBeat.Negotiated.NONE;
  private volatile VdsmClientException closeCause;

  // Event-loop confined.
  private Phase phase = Phase.NEW;
  private StompClientSession session;
  private final DirectSubscriptions subscriptions;
  private int failures;
  private boolean everConnected;
  private boolean receiptConfirmed;
  private String disconnectReceipt;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> connectTimer;
  private ScheduledFuture<?> closeTimer;
  private final LinkedHashSet<OutgoingRequest> waiting = new LinkedHashSet<>();

  /**
   * @param loop the event loop of every connection of this host
   * @param retryBeforeFirstSession whether a failure of the very first connection is retried by the
   *     policy, or ends the transport
   */
  public DirectTransport(String host, int port, String name, ClientContext ctx, EventLoop loop,
      boolean retryBeforeFirstSession, CallTracker calls, TransportListener listener) {
    this.host = requireNonNull(host, "host");
    this.port = port;
    this.name = requireNonNull(name, "name");
    this.ctx = requireNonNull(ctx, "ctx");
    this.loop = requireNonNull(loop, "loop");
    this.retryBeforeFirstSession = retryBeforeFirstSession;
    this.calls = requireNonNull(calls, "calls");
    this.listener = requireNonNull(listener, "listener");
    this.subscriptions = new DirectSubscriptions(ctx.uniqueReplyDestinations());
  }

  /**
   * The CONNECT {@code host} header: the host name or address, except an IPv6 literal, which is
   * sent as {@code null} as real engines do: CONNECT headers are not escaped, and VDSM drops a
   * connection whose CONNECT has a raw colon in a header value.
   */
  static String connectHostHeader(String host) {
    return host.indexOf(':') >= 0 ? "null" : host;
  }

  @Override
  public RequestRoute route(Side side, String method) {
    return new RequestRoute(side, null);
  }

  @Override
  public void start() {
    execute(() -> {
      if (phase == Phase.NEW) {
        attempt();
      }
    });
  }

  @Override
  public HeartBeat.Negotiated negotiatedHeartBeat() {
    return negotiated;
  }

  @Override
  public long sessionCount() {
    return sessions.get();
  }

  @Override
  public VdsmClientException closedFailure() {
    VdsmClientException cause = closeCause;
    return cause != null ? cause : new ConnectionLostException(Reason.CLIENT_CLOSED, "the client of " + name + " is closed", null);
  }

  // ------------------------------------------------------------------------------ sending

  @Override
  public void send(OutgoingRequest request) {
    try {
      loop.execute(() -> dispatch(request));
    } catch (RejectedExecutionException e) {
      calls.fail(request, new ConnectionLostException(Reason.CLIENT_CLOSED, "the client factory is closed", e));
    }
  }

  @Override
  public void forget(OutgoingRequest request) {
    execute(() -> waiting.remove(request));
  }

  /** On the loop: write now, wait, or fail, by phase and policy. */
  private void dispatch(OutgoingRequest request) {
    if (request.isSettled()) {
      return; // every call of it already timed out: never written, never will be
    }
    switch (phase) {
      case READY -> {
        write(request);
        session.flush();
      }
      case CLOSING, CLOSED -> calls.fail(request, closedFailure());
      default -> {
        if (ctx.whileDisconnected() == WhileDisconnected.FAIL_FAST) {
          calls.fail(request, notConnected());
        } else {
          waiting.add(request);
        }
      }
    }
  }

  private ConnectionLostException notConnected() {
    return new ConnectionLostException(Reason.NOT_CONNECTED, "not connected to " + name + " (" + (phase == Phase.BACKOFF ? State.DISCONNECTED : State.CONNECTING) + ")", null);
  }

  /** On the loop, in READY: hands the SEND to the channel (the caller flushes). */
  private void write(OutgoingRequest request) {
    Side side = request.route().side();
    StompFrame.Builder frame = StompFrame.builder(StompCommand.SEND)
        .header(StompHeaders.DESTINATION, side.requests())
        .header(StompHeaders.REPLY_TO, subscriptions.replyTo(side))
        .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON);
    if (request.flowId() != null) {
      frame.header(StompHeaders.OVIRT_CORRELATION_ID, request.flowId());
    }
    calls.written(request, session.channel());
    session.send(frame.body(request.body()).build()).addListener(f -> {
      if (!f.isSuccess()) {
        calls.fail(request, new ConnectionLostException(Reason.IO_ERROR,
            "cannot send to " + name + ": " + StompClientSession.rootMessage(f.cause()), f.cause()));
      }
    });
  }

  // ------------------------------------------------------------------------------ events

  @Override
  public void eventInterestChanged() {
    execute(this::syncEventSubscription);
  }

  /** On the loop: (un)subscribes the events destination when the first subscriber comes or the last goes. */
  private void syncEventSubscription() {
    if (phase == Phase.READY && subscriptions.syncEvents(session, listener.eventsWanted())) {
      session.flush();
    }
  }

  // ------------------------------------------------------------------------------ connection

  /** Runs {@code task} on the loop; false when the loop is shut down. */
  private boolean execute(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** On the loop: one connection attempt. */
  private void attempt() {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.CONNECTING;
    listener.stateChanged(State.CONNECTING, null);
    StompClientSession s = new StompClientSession(
        name, connectHostHeader(host), ctx.heartBeat(), ctx.heartBeatGrace(), sessionListener, "host");
    session = s;
    connectTimer = ctx.connector().open(loop, ctx.workers(), host, port, s,
        () -> session == s && phase == Phase.CONNECTING);
  }

  /** The session's reports, all on the loop. */
  private final class SessionListener implements StompClientSession.Listener {
    @Override
    public void sessionStarted(StompClientSession s, HeartBeat.Negotiated heartBeat) {
      if (s != session || phase != Phase.CONNECTING) {
        s.abort(SessionEnd.Reason.CLOSED_LOCALLY, "a session nobody waits for", null);
        return;
      }
      cancel(connectTimer);
      negotiated = heartBeat;
      // Order on the wire: the SUBSCRIBEs, then the calls that waited, then anything newer.
      subscriptions.subscribe(s, listener.eventsWanted());
      phase = Phase.READY;
      failures = 0;
      everConnected = true;
      sessions.incrementAndGet();
      for (OutgoingRequest request : waiting) {
        if (!request.isSettled()) {
          write(request);
        }
      }
      waiting.clear();
      s.flush();
      log.info("{}: connected (session {}, heart-beat {})", name, sessions.get(), heartBeat);
      listener.stateChanged(State.CONNECTED, null);
      listener.sessionStarted();
    }

    @Override
    public void message(StompClientSession s, StompFrame frame) {
      if (s != session) {
        return;
      }
      switch (subscriptions.targetOf(frame)) {
        case VDS_ANSWERS -> listener.answers(Side.VDS, subscriptions.replyTo(Side.VDS), frame.body(), s.channel());
        case IRS_ANSWERS -> listener.answers(Side.IRS, subscriptions.replyTo(Side.IRS), frame.body(), s.channel());
        case EVENTS -> listener.events(VdsmDestinations.EVENTS, frame.body(), s.channel());
        case NONE -> log.debug("{}: ignoring MESSAGE for subscription {} ({})",
            name, frame.header(StompHeaders.SUBSCRIPTION), frame.header(StompHeaders.DESTINATION));
      }
    }

    @Override
    public void receipt(StompClientSession s, String receiptId) {
      if (s == session && phase == Phase.CLOSING && receiptId.equals(disconnectReceipt)) {
        receiptConfirmed = true;
        s.abort(SessionEnd.Reason.CLOSED_LOCALLY, "closed by the client", null);
      }
    }

    @Override
    public void sessionEnded(StompClientSession s, SessionEnd end) {
      if (s != session) {
        return;
      }
      ConnectionLostException failure = ConnectionLostException.from(end);
      session = null;
      negotiated = HeartBeat.Negotiated.NONE;
      subscriptions.sessionEnded();
      cancel(connectTimer);
      boolean closing = phase == Phase.CLOSING || phase == Phase.CLOSED;
      boolean firstFailed = !everConnected && !retryBeforeFirstSession;
      // Readers see the new state before the failed calls do; listeners are told below.
      boolean terminal = closing || firstFailed || !ctx.reconnect().allows(failures + 1);
      listener.stateVisible(terminal ? State.CLOSED : State.DISCONNECTED);
      Channel ch = s.channel();
      if (ch != null) {
        calls.failWrittenTo(ch, failure);
      }
      if (closing) {
        finishClose();
        return;
      }
      if (firstFailed) {
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
      listener.stateChanged(State.DISCONNECTED, failure);
      reconnectTimer = loop.schedule(DirectTransport.this::attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void failWaiting(VdsmClientException failure) {
    List<OutgoingRequest> all = new ArrayList<>(waiting);
    waiting.clear();
    for (OutgoingRequest request : all) {
      calls.fail(request, failure);
    }
  }

  /** On the loop: finished for good (never connected, or gave up). */
  private void end(VdsmClientException cause, VdsmClientException failure) {
    phase = Phase.CLOSED;
    closeCause = cause;
    cancel(reconnectTimer);
    failWaiting(cause);
    calls.failAll(cause);
    listener.ended(cause, failure, false);
  }

  // ------------------------------------------------------------------------------ close

  @Override
  public void close(Duration wait) {
    requireNonNull(wait, "wait");
    if (!execute(() -> beginClose(wait))) {
      VdsmClientException cause = closedFailure();
      calls.failAll(cause);
      listener.ended(cause, null, false);
    }
  }

  /** On the loop: UNSUBSCRIBE and DISCONNECT with receipt when connected, then close. */
  private void beginClose(Duration wait) {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      return;
    }
    Phase was = phase;
    phase = Phase.CLOSING;
    closeCause = new ConnectionLostException(Reason.CLIENT_CLOSED, "the client of " + name + " was closed", null);
    cancel(reconnectTimer);
    failWaiting(closeCause);
    StompClientSession s = session;
    if (was == Phase.READY && s != null) {
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
    cancel(connectTimer);
    VdsmClientException cause = closedFailure();
    failWaiting(cause);
    calls.failAll(cause);
    listener.ended(cause, null, receiptConfirmed);
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}

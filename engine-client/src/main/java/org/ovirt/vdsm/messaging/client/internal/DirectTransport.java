package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
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

  private final String host;
  private final int port;
  private final String name;
  private final ClientContext ctx;
  private final CallTracker calls;
  private final TransportListener listener;
  private final ConnectionLifecycle connection;
  private volatile VdsmClientException closeCause;

  // Event-loop confined.
  private final DirectSubscriptions subscriptions;
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
    this.calls = requireNonNull(calls, "calls");
    this.listener = requireNonNull(listener, "listener");
    this.subscriptions = new DirectSubscriptions(ctx.uniqueReplyDestinations());
    this.connection = new ConnectionLifecycle(loop, ctx.reconnect(), retryBeforeFirstSession, new Steps());
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
    connection.start();
  }

  @Override
  public HeartBeat.Negotiated negotiatedHeartBeat() {
    return connection.negotiated();
  }

  @Override
  public long sessionCount() {
    return connection.sessionCount();
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
      connection.loop().execute(() -> dispatch(request));
    } catch (RejectedExecutionException e) {
      calls.fail(request, new ConnectionLostException(Reason.CLIENT_CLOSED, "the client factory is closed", e));
    }
  }

  @Override
  public void forget(OutgoingRequest request) {
    connection.execute(() -> waiting.remove(request));
  }

  /** On the loop: write now, wait, or fail, by phase and policy. */
  private void dispatch(OutgoingRequest request) {
    if (request.isSettled()) {
      return; // every call of it already timed out: never written, never will be
    }
    switch (connection.phase()) {
      case READY -> {
        write(request);
        connection.session().flush();
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
    State state = connection.phase() == ConnectionLifecycle.Phase.BACKOFF ? State.DISCONNECTED : State.CONNECTING;
    return new ConnectionLostException(Reason.NOT_CONNECTED, "not connected to " + name + " (" + state + ")", null);
  }

  /** On the loop, in READY: hands the SEND to the channel (the caller flushes). */
  private void write(OutgoingRequest request) {
    StompClientSession session = connection.session();
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
    connection.execute(this::syncEventSubscription);
  }

  /** On the loop: (un)subscribes the events destination when the first subscriber comes or the last goes. */
  private void syncEventSubscription() {
    if (connection.phase() == ConnectionLifecycle.Phase.READY
        && subscriptions.syncEvents(connection.session(), listener.eventsWanted())) {
      connection.session().flush();
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
    closeCause = cause;
    failWaiting(cause);
    calls.failAll(cause);
    listener.ended(cause, failure, false);
  }

  // ------------------------------------------------------------------------------ close

  /** UNSUBSCRIBE and DISCONNECT with receipt when connected, then close. */
  @Override
  public void close(Duration wait) {
    if (!connection.close(wait)) {
      VdsmClientException cause = closedFailure();
      calls.failAll(cause);
      listener.ended(cause, null, false);
    }
  }

  // ------------------------------------------------------------------------------ connection

  /** The connection's steps, all on the loop. */
  private final class Steps implements ConnectionLifecycle.Owner {
    @Override
    public void connecting() {
      listener.stateChanged(State.CONNECTING, null);
    }

    @Override
    public StompClientSession newSession(StompClientSession.Listener sessionListener) {
      return new StompClientSession(
          name, connectHostHeader(host), ctx.heartBeat(), ctx.heartBeatGrace(), sessionListener, "host");
    }

    @Override
    public ScheduledFuture<?> open(StompClientSession session, BooleanSupplier wanted) {
      return ctx.connector().open(connection.loop(), ctx.workers(), host, port, session, wanted);
    }

    @Override
    public void sessionStarted(StompClientSession s, HeartBeat.Negotiated heartBeat) {
      // Order on the wire: the SUBSCRIBEs, then the calls that waited, then anything newer.
      subscriptions.subscribe(s, listener.eventsWanted());
      long count = connection.ready();
      for (OutgoingRequest request : waiting) {
        if (!request.isSettled()) {
          write(request);
        }
      }
      waiting.clear();
      s.flush();
      log.info("{}: connected (session {}, heart-beat {})", name, count, heartBeat);
      listener.stateChanged(State.CONNECTED, null);
      listener.sessionStarted();
    }

    @Override
    public void message(StompClientSession s, StompFrame frame) {
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
      // only DISCONNECT asks for a receipt (handled by the lifecycle)
    }

    @Override
    public void lost(StompClientSession s, ConnectionLostException failure, boolean terminal) {
      subscriptions.sessionEnded();
      // Readers see the new state before the failed calls do; listeners are told later.
      listener.stateVisible(terminal ? State.CLOSED : State.DISCONNECTED);
      Channel ch = s.channel();
      if (ch != null) {
        calls.failWrittenTo(ch, failure);
      }
    }

    @Override
    public void gaveUp(ConnectionLostException failure, int failures) {
      if (failures == 0) {
        log.debug("{}", failure.getMessage());
        end(failure, failure);
        return;
      }
      String why = failures == 1
          ? "not reconnecting to " + name + " (the reconnect policy allows no attempt): "
          : "gave up connecting to " + name + " after " + (failures - 1) + " attempt(s): ";
      ConnectionLostException gaveUp = new ConnectionLostException(Reason.GAVE_UP, why + failure.getMessage(), failure);
      log.warn("{}", gaveUp.getMessage());
      end(gaveUp, gaveUp);
    }

    @Override
    public void backingOff(ConnectionLostException failure, int failures, Duration delay) {
      if (ctx.whileDisconnected() == WhileDisconnected.FAIL_FAST) {
        failWaiting(notConnected());
      }
      log.info("{}: {}; next attempt in {} ms (attempt {})", name, failure.getMessage(), delay.toMillis(), failures);
      listener.stateChanged(State.DISCONNECTED, failure);
    }

    @Override
    public void closing() {
      closeCause = new ConnectionLostException(Reason.CLIENT_CLOSED, "the client of " + name + " was closed", null);
      failWaiting(closeCause);
    }

    @Override
    public void beforeDisconnect(StompClientSession s) {
      subscriptions.unsubscribeAll(s);
    }

    @Override
    public void closed(boolean disconnectConfirmed) {
      VdsmClientException cause = closedFailure();
      failWaiting(cause);
      calls.failAll(cause);
      listener.ended(cause, null, disconnectConfirmed);
    }
  }
}

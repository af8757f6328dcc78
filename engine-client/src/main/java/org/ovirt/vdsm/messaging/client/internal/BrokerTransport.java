package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.HostClient.State;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.destinations.MethodSubsystems;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * The transport of one host through an external broker: a view of the engine's shared {@link
 * BrokerSession}. Every call is routed by its method's subsystem to {@code /queue/vdsm.requests.H.S}
 * (a batch spanning subsystems is split by the host client, one message per route); answers come
 * back through the session's demultiplexer; the host's events arrive on its subscription of {@code
 * /topic/vdsm.events.H.*}, held only while somebody listens.
 *
 * <p>Its state follows the broker connection: CONNECTED while the engine's session is subscribed
 * (the host itself may be down: its calls then fail at their deadline), DISCONNECTED while the
 * session reconnects (calls written on the lost connection fail at once), CLOSED when this client
 * or the session is closed. Closing it leaves the shared session open.
 *
 * <p><b>Threading.</b> State belongs to the session's event loop.
 */
public final class BrokerTransport implements HostTransport {
  private final String hostId;
  private final String name;
  private final BrokerSession session;
  private final CallTracker calls;
  private final TransportListener listener;
  private volatile VdsmClientException closeCause;

  // Event-loop confined.
  private boolean attached;
  private boolean ended;
  private boolean connectedOnce;
  private final LinkedHashSet<OutgoingRequest> waiting = new LinkedHashSet<>();
  /** The id of this host's event subscription on the current session, or {@code null}. */
  String eventSubscription;

  public BrokerTransport(String hostId, String name, BrokerSession session, CallTracker calls, TransportListener listener) {
    this.hostId = BrokerDestinations.checkId(hostId, "hostId");
    this.name = requireNonNull(name, "name");
    this.session = requireNonNull(session, "session");
    this.calls = requireNonNull(calls, "calls");
    this.listener = requireNonNull(listener, "listener");
  }

  /** The host id ({@code H} of its destinations). */
  public String hostId() {
    return hostId;
  }

  CallTracker calls() {
    return calls;
  }

  boolean eventsWanted() {
    return !ended && listener.eventsWanted();
  }

  @Override
  public RequestRoute route(Side side, String method) {
    return new RequestRoute(side, MethodSubsystems.of(method));
  }

  @Override
  public void start() {
    boolean queued = session.execute(() -> {
      if (ended || attached) {
        return;
      }
      attached = session.attach(this);
      if (!attached) {
        ConnectionLostException gone = new ConnectionLostException(Reason.CLIENT_CLOSED, "the broker session is closed", null);
        end(gone, gone);
      }
    });
    if (!queued) {
      ConnectionLostException gone = new ConnectionLostException(Reason.CLIENT_CLOSED, "the client factory is closed", null);
      closeCause = gone;
      calls.failAll(gone);
      listener.ended(gone, gone, false);
    }
  }

  @Override
  public void send(OutgoingRequest request) {
    try {
      session.loop().execute(() -> dispatch(request));
    } catch (RejectedExecutionException e) {
      calls.fail(request, new ConnectionLostException(Reason.CLIENT_CLOSED, "the client factory is closed", e));
    }
  }

  /** On the loop: write now, wait, or fail. */
  private void dispatch(OutgoingRequest request) {
    if (request.isSettled()) {
      return;
    }
    if (ended) {
      calls.fail(request, closedFailure());
    } else if (attached && session.isReady()) {
      session.write(this, request);
      session.flush();
    } else if (session.context().whileDisconnected() == WhileDisconnected.FAIL_FAST) {
      calls.fail(request, notConnected());
    } else {
      waiting.add(request);
    }
  }

  private ConnectionLostException notConnected() {
    return new ConnectionLostException(Reason.NOT_CONNECTED,
        "not connected to the broker for " + name + " (" + (connectedOnce ? State.DISCONNECTED : State.CONNECTING) + ")", null);
  }

  @Override
  public void forget(OutgoingRequest request) {
    session.execute(() -> waiting.remove(request));
  }

  @Override
  public void eventInterestChanged() {
    session.execute(() -> {
      if (attached && !ended) {
        session.syncEvents(this);
      }
    });
  }

  @Override
  public void close(Duration wait) {
    requireNonNull(wait, "wait");
    boolean queued = session.execute(() -> {
      if (ended) {
        return;
      }
      if (attached) {
        session.detach(this);
      }
      ConnectionLostException closed = new ConnectionLostException(Reason.CLIENT_CLOSED, "the client of " + name + " was closed", null);
      endWith(closed, null, true);
    });
    if (!queued) {
      VdsmClientException cause = closedFailure();
      calls.failAll(cause);
      listener.ended(cause, null, false);
    }
  }

  @Override
  public VdsmClientException closedFailure() {
    VdsmClientException cause = closeCause;
    return cause != null ? cause : new ConnectionLostException(Reason.CLIENT_CLOSED, "the client of " + name + " is closed", null);
  }

  @Override
  public HeartBeat.Negotiated negotiatedHeartBeat() {
    return session.negotiatedHeartBeat();
  }

  @Override
  public long sessionCount() {
    return session.sessionCount();
  }

  // ------------------------------------------------------------------------------ from the session (on the loop)

  /** The session is connecting. */
  void connecting() {
    if (!ended) {
      listener.stateChanged(connectedOnce ? State.DISCONNECTED : State.CONNECTING, null);
    }
  }

  /** The session is subscribed: the requests that waited go now (the session flushes). */
  void sessionUp(Channel channel) {
    if (ended) {
      return;
    }
    connectedOnce = true;
    for (OutgoingRequest request : waiting) {
      if (!request.isSettled()) {
        session.write(this, request);
      }
    }
    waiting.clear();
    listener.stateChanged(State.CONNECTED, null);
    listener.sessionStarted();
  }

  /** The connection {@code channel} was lost: what was written on it fails now. */
  void lost(Channel channel, ConnectionLostException failure, boolean terminal) {
    if (ended) {
      return;
    }
    listener.stateVisible(terminal ? State.CLOSED : State.DISCONNECTED);
    if (channel != null) {
      calls.failWrittenTo(channel, failure);
    }
    if (terminal) {
      return;
    }
    if (session.context().whileDisconnected() == WhileDisconnected.FAIL_FAST) {
      failWaiting(notConnected());
    }
    listener.stateChanged(State.DISCONNECTED, failure);
  }

  /** The session ended for good (closed, or gave up): this client ends too. */
  void end(VdsmClientException cause, VdsmClientException failure) {
    endWith(cause, failure, false);
  }

  private void endWith(VdsmClientException cause, VdsmClientException failure, boolean confirmed) {
    if (ended) {
      return;
    }
    ended = true;
    attached = false;
    closeCause = cause;
    failWaiting(cause);
    calls.failAll(cause);
    listener.ended(cause, failure, confirmed);
  }

  private void failWaiting(VdsmClientException failure) {
    List<OutgoingRequest> all = new ArrayList<>(waiting);
    waiting.clear();
    for (OutgoingRequest request : all) {
      calls.fail(request, failure);
    }
  }

  /** An answer body for this host, from the session's demultiplexer. */
  void answers(Side side, String destination, byte[] body, Channel from) {
    listener.answers(side, destination, body, from);
  }

  /** An event body from this host's event subscription. */
  void events(String destination, byte[] body, Channel from) {
    if (!ended) {
      listener.events(destination, body, from);
    }
  }

  @Override
  public String toString() {
    return "BrokerTransport{" + hostId + " via " + session.engineId() + "}";
  }
}

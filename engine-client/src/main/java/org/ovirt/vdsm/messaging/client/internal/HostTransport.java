package org.ovirt.vdsm.messaging.client.internal;

import java.time.Duration;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * How the messages of one host client travel: the seam between what a host client does (calls,
 * events: {@link CallTracker}, {@link EventRouter}) and how frames reach the host.
 *
 * <p>Implementations: {@link DirectTransport}, one STOMP connection to the host itself (VDSM's
 * destinations, VDS and IRS sides on that connection, a reply destination of its own per
 * connection, reconnect with backoff). A broker transport implements the same contract over one
 * STOMP connection per engine to an external broker shared by the clients of many hosts: it routes
 * by {@link RequestRoute#subsystem()} to {@code /queue/vdsm.requests.H.S}, sets {@code reply-to} to
 * the engine's {@code /queue/vdsm.replies.E}, and hands each host's answers and events to that
 * host's {@link TransportListener}.
 *
 * <p>Contract: a transport reports to its {@link TransportListener}; it tells the {@link
 * CallTracker} which connection each request was written to ({@link CallTracker#written}) and fails
 * the requests of a connection it lost ({@link CallTracker#failWrittenTo}); a written request is
 * never written again. Methods may be called from any thread and never block.
 */
public interface HostTransport {
  /** Where a call of {@code method} made on {@code side} goes; calls of one message share one. */
  RequestRoute route(Side side, String method);

  /** Starts connecting. */
  void start();

  /**
   * Writes {@code request} now, keeps it until connected, or fails it through the tracker, as the
   * state and the policy say.
   */
  void send(OutgoingRequest request);

  /** A request that was never written has nothing left to send (its calls timed out): drop it. */
  void forget(OutgoingRequest request);

  /** The listener's {@link TransportListener#eventsWanted()} may have changed: (un)subscribe events. */
  void eventInterestChanged();

  /**
   * Closes: unsubscribes, DISCONNECT with a receipt waited for at most {@code wait}, then closes the
   * connection; ends with {@link TransportListener#ended}.
   */
  void close(Duration wait);

  /** Why calls fail once the transport is closed. */
  VdsmClientException closedFailure();

  /** The heart-beat negotiated on the current session (none while disconnected). */
  HeartBeat.Negotiated negotiatedHeartBeat();

  /** How many sessions were established so far. */
  long sessionCount();
}

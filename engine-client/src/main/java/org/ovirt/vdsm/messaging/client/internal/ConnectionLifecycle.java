package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;

/**
 * The life of one reconnecting STOMP connection, shared by the {@link DirectTransport} (one host)
 * and the {@link BrokerSession} (one broker for every host): one session at a time, a connection
 * attempt with the connect timeout, an optional confirmation before the session is ready (the
 * broker's RECEIPT of the reply SUBSCRIBE), the reconnect policy's backoff after each loss, giving
 * up when the policy allows no more attempts, and closing with DISCONNECT and a receipt waited for
 * at most a given time.
 *
 * <p>What happens at each step besides (subscriptions, waiting requests, listeners, messages) is the
 * {@link Owner}'s; reports of a session that is no longer the current one are dropped here, so the
 * owner only ever hears about the current session.
 *
 * <p><b>Threading.</b> All state belongs to one event loop; {@link #start}, {@link #close}, {@link
 * #execute}, {@link #sessionCount} and {@link #negotiated} may be called from any thread, everything
 * else on the loop.
 */
final class ConnectionLifecycle {
  /** Where the connection is. */
  enum Phase {
    /** Not started. */
    NEW,
    /** A connection attempt is under way (TCP, TLS, CONNECT). */
    CONNECTING,
    /** CONNECTED arrived; the owner waits for a confirmation before the session is ready. */
    CONFIRMING,
    /** The session is ready: requests are written. */
    READY,
    /** The connection was lost; the next attempt waits for the policy's delay. */
    BACKOFF,
    /** Closing: DISCONNECT sent, or the session being closed. */
    CLOSING,
    /** Finished for good. */
    CLOSED;

    /** Whether closing or closed. */
    boolean isClosing() {
      return this == CLOSING || this == CLOSED;
    }

    /** Whether a session has started (CONNECTED arrived) and has not been lost. */
    boolean isStarted() {
      return this == CONFIRMING || this == READY;
    }
  }

  /** What the owner does at each step; every method runs on the loop. */
  interface Owner {
    /** A connection attempt begins. */
    void connecting();

    /** The session of the next attempt, reporting to {@code listener}. */
    StompClientSession newSession(StompClientSession.Listener listener);

    /**
     * Opens {@code session}'s connection; {@code wanted} tells whether the attempt still matters.
     *
     * @return the connect timer
     */
    ScheduledFuture<?> open(StompClientSession session, BooleanSupplier wanted);

    /**
     * CONNECTED arrived on the current attempt: the owner calls {@link #ready()}, or {@link
     * #awaitConfirmation} and later {@link #ready()}.
     */
    void sessionStarted(StompClientSession session, HeartBeat.Negotiated heartBeat);

    /** A MESSAGE arrived on the current session. */
    void message(StompClientSession session, StompFrame frame);

    /** A RECEIPT other than the one of the closing DISCONNECT arrived on the current session. */
    void receipt(StompClientSession session, String receiptId);

    /**
     * The current session ended (or never started); told before what follows: {@link #closed},
     * {@link #gaveUp} or {@link #backingOff}.
     *
     * @param terminal whether no attempt follows
     */
    void lost(StompClientSession session, ConnectionLostException failure, boolean terminal);

    /**
     * Finished for good after {@code failure} (the phase is CLOSED).
     *
     * @param failures the consecutive failures, which the reconnect policy allows no attempt for; 0
     *     when the very first connection failed and is not retried
     */
    void gaveUp(ConnectionLostException failure, int failures);

    /** The next attempt, the {@code failures}-th in a row, is made after {@code delay}. */
    void backingOff(ConnectionLostException failure, int failures, Duration delay);

    /** Closing began (the phase is CLOSING); {@link #closed} follows. */
    void closing();

    /** Closing a started session: written before its DISCONNECT (UNSUBSCRIBEs). */
    void beforeDisconnect(StompClientSession session);

    /** Closed for good after {@link #close}. */
    void closed(boolean disconnectConfirmed);
  }

  private final EventLoop loop;
  private final ReconnectPolicy policy;
  private final boolean retryBeforeFirstSession;
  private final Owner owner;
  private final StompClientSession.Listener sessionListener = new SessionListener();
  private final AtomicLong sessions = new AtomicLong();
  private volatile HeartBeat.Negotiated negotiated = HeartBeat.Negotiated.NONE;

  // Event-loop confined.
  private Phase phase = Phase.NEW;
  private StompClientSession session;
  private int failures;
  private boolean disconnectConfirmed;
  private String disconnectReceipt;
  private ScheduledFuture<?> connectTimer;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> closeTimer;

  /**
   * @param loop the event loop of every connection
   * @param policy when to connect again
   * @param retryBeforeFirstSession whether a failure of the very first connection is retried by the
   *     policy, or ends the connection for good
   */
  ConnectionLifecycle(EventLoop loop, ReconnectPolicy policy, boolean retryBeforeFirstSession, Owner owner) {
    this.loop = requireNonNull(loop, "loop");
    this.policy = requireNonNull(policy, "policy");
    this.retryBeforeFirstSession = retryBeforeFirstSession;
    this.owner = requireNonNull(owner, "owner");
  }

  /** The loop all state belongs to. */
  EventLoop loop() {
    return loop;
  }

  /** On the loop: where the connection is. */
  Phase phase() {
    return phase;
  }

  /** On the loop: the current session, {@code null} between sessions. */
  StompClientSession session() {
    return session;
  }

  /** How many sessions were ready so far. */
  long sessionCount() {
    return sessions.get();
  }

  /** The heart-beat of the current session (none between sessions). */
  HeartBeat.Negotiated negotiated() {
    return negotiated;
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

  /** Starts connecting (once). */
  void start() {
    execute(() -> {
      if (phase == Phase.NEW) {
        attempt();
      }
    });
  }

  /**
   * On the loop, once CONNECTED arrived: the session is ready only when the owner calls {@link
   * #ready()}; without that within {@code timeout} the session is ended as a protocol failure
   * naming {@code awaited}.
   */
  void awaitConfirmation(Duration timeout, String awaited) {
    requireNonNull(awaited, "awaited");
    phase = Phase.CONFIRMING;
    StompClientSession s = session;
    long timeoutMs = timeout.toMillis();
    connectTimer = loop.schedule(() -> {
      if (session == s && phase == Phase.CONFIRMING) {
        s.abort(SessionEnd.Reason.PROTOCOL, "no " + awaited + " within " + timeoutMs + " ms", null);
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
  }

  /**
   * On the loop: the current session is ready; the failure count starts again.
   *
   * @return how many sessions were ready so far, this one included
   */
  long ready() {
    cancel(connectTimer);
    phase = Phase.READY;
    failures = 0;
    return sessions.incrementAndGet();
  }

  /** On the loop: one connection attempt. */
  private void attempt() {
    if (phase.isClosing()) {
      return;
    }
    phase = Phase.CONNECTING;
    owner.connecting();
    StompClientSession s = owner.newSession(sessionListener);
    session = s;
    connectTimer = owner.open(s, () -> session == s && phase == Phase.CONNECTING);
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
      owner.sessionStarted(s, heartBeat);
    }

    @Override
    public void message(StompClientSession s, StompFrame frame) {
      if (s == session) {
        owner.message(s, frame);
      }
    }

    @Override
    public void receipt(StompClientSession s, String receiptId) {
      if (s != session) {
        return;
      }
      if (phase == Phase.CLOSING && receiptId.equals(disconnectReceipt)) {
        disconnectConfirmed = true;
        s.abort(SessionEnd.Reason.CLOSED_LOCALLY, "closed by the client", null);
      } else {
        owner.receipt(s, receiptId);
      }
    }

    @Override
    public void sessionEnded(StompClientSession s, SessionEnd end) {
      if (s == session) {
        lost(s, ConnectionLostException.from(end));
      }
    }
  }

  /** On the loop: the current session went (or never came): close, give up or back off. */
  private void lost(StompClientSession s, ConnectionLostException failure) {
    session = null;
    negotiated = HeartBeat.Negotiated.NONE;
    cancel(connectTimer);
    boolean closing = phase.isClosing();
    boolean firstFailed = sessions.get() == 0 && !retryBeforeFirstSession;
    // The owner's readers see the outcome before its failed calls do.
    owner.lost(s, failure, closing || firstFailed || !policy.allows(failures + 1));
    if (closing) {
      finishClose();
      return;
    }
    if (firstFailed) {
      giveUp(failure);
      return;
    }
    failures++;
    if (!policy.allows(failures)) {
      giveUp(failure);
      return;
    }
    phase = Phase.BACKOFF;
    Duration delay = policy.delay(failures, ThreadLocalRandom.current().nextDouble());
    owner.backingOff(failure, failures, delay);
    reconnectTimer = loop.schedule(this::attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void giveUp(ConnectionLostException failure) {
    phase = Phase.CLOSED;
    cancel(reconnectTimer);
    owner.gaveUp(failure, failures);
  }

  /**
   * Closes: a started session gets the owner's UNSUBSCRIBEs and DISCONNECT with a receipt waited for
   * at most {@code wait}; a session still connecting is closed at once.
   *
   * @return false when the loop is shut down (nothing was done)
   */
  boolean close(Duration wait) {
    requireNonNull(wait, "wait");
    return execute(() -> beginClose(wait));
  }

  private void beginClose(Duration wait) {
    if (phase.isClosing()) {
      return;
    }
    Phase was = phase;
    phase = Phase.CLOSING;
    cancel(reconnectTimer);
    owner.closing();
    StompClientSession s = session;
    if (was.isStarted() && s != null) {
      owner.beforeDisconnect(s);
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
    owner.closed(disconnectConfirmed);
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.internal.ConnectionLifecycle.Phase;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;

/**
 * The reconnecting connection's life on its own, with frozen time: the lifecycle's loop is one
 * {@link EmbeddedChannel}'s, each session lives in an {@code EmbeddedChannel} of its own (frames
 * in and out without a socket), and a recording owner shows what it is told and when.
 */
class ConnectionLifecycleTest {
  private static final long CONNECT_TIMEOUT_MS = 1_000;
  /** 100 ms doubling to 1 s, no jitter: the delays are exact. */
  private static final ReconnectPolicy POLICY =
      ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withJitter(0);

  private final EmbeddedChannel clock = new EmbeddedChannel();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final RecordingOwner owner = new RecordingOwner();
  private ConnectionLifecycle lifecycle;

  @BeforeEach
  void setUp() {
    clock.freezeTime();
  }

  @AfterEach
  void tearDown() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    clock.finishAndReleaseAll();
  }

  /** A lifecycle on the clock's loop, started: its first attempt is under way. */
  private void start(ReconnectPolicy policy, boolean retryBeforeFirstSession) {
    lifecycle = new ConnectionLifecycle(clock.eventLoop(), policy, retryBeforeFirstSession, owner);
    lifecycle.start();
    clock.runPendingTasks();
  }

  private void advance(long ms) {
    clock.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    clock.runScheduledPendingTasks();
  }

  /** The current attempt's connection comes up: CONNECT goes out; returns its channel. */
  private EmbeddedChannel connectionUp() {
    StompClientSession s = lifecycle.session();
    EmbeddedChannel ch = new EmbeddedChannel(s);
    ch.freezeTime();
    channels.add(ch);
    assertThat(((StompFrame) ch.readOutbound()).command()).isEqualTo(StompCommand.CONNECT);
    return ch;
  }

  /** The current attempt gets a session: its connection comes up and CONNECTED arrives. */
  private EmbeddedChannel sessionUp() {
    EmbeddedChannel ch = connectionUp();
    ch.writeInbound(StompFrame.builder(StompCommand.CONNECTED)
        .header(StompHeaders.VERSION, "1.2").header(StompHeaders.HEART_BEAT, "0,0").build());
    return ch;
  }

  private static void closedByPeer(EmbeddedChannel ch) {
    ch.close();
    ch.runPendingTasks();
  }

  private void refused() {
    lifecycle.session().connectFailed(new ConnectException("Connection refused"));
  }

  @Test
  void aSessionIsReadyAfterConnectedAndCountsOnce() {
    start(POLICY, true);
    assertThat(owner.events).containsExactly("connecting");
    assertThat(lifecycle.phase()).isEqualTo(Phase.CONNECTING);

    sessionUp();

    assertThat(owner.events).containsExactly("connecting", "started");
    assertThat(lifecycle.phase()).isEqualTo(Phase.READY);
    assertThat(lifecycle.sessionCount()).isEqualTo(1);
    assertThat(lifecycle.negotiated()).isEqualTo(HeartBeat.Negotiated.NONE);
  }

  @Test
  void aLostSessionIsMadeAgainAfterThePolicysDelayAndTheCountStartsAgain() {
    start(POLICY, true);
    EmbeddedChannel first = sessionUp();
    owner.events.clear();

    closedByPeer(first);

    assertThat(owner.events).containsExactly("lost terminal=false CLOSED_BY_HOST", "backingOff 1 100ms");
    assertThat(lifecycle.phase()).isEqualTo(Phase.BACKOFF);
    assertThat(lifecycle.session()).isNull();
    advance(99);
    assertThat(owner.events).doesNotContain("connecting");
    advance(1);
    assertThat(owner.events).endsWith("connecting");

    EmbeddedChannel second = sessionUp();
    assertThat(lifecycle.sessionCount()).isEqualTo(2);
    owner.events.clear();
    closedByPeer(second);
    // A ready session reset the count: the delay is the first one again.
    assertThat(owner.events).containsExactly("lost terminal=false CLOSED_BY_HOST", "backingOff 1 100ms");
  }

  @Test
  void consecutiveFailuresGrowTheDelayUntilThePolicyGivesUp() {
    start(POLICY.withMaxAttempts(2), true);
    refused();
    assertThat(owner.events).endsWith("lost terminal=false CONNECT_FAILED", "backingOff 1 100ms");
    advance(100);
    refused();
    assertThat(owner.events).endsWith("lost terminal=false CONNECT_FAILED", "backingOff 2 200ms");
    advance(200);
    refused();

    assertThat(owner.events).endsWith("lost terminal=true CONNECT_FAILED", "gaveUp 3");
    assertThat(lifecycle.phase()).isEqualTo(Phase.CLOSED);
    owner.events.clear();
    advance(60_000);
    assertThat(owner.events).isEmpty();
  }

  @Test
  void theFirstFailureEndsItWhenNotRetriedBeforeAFirstSession() {
    start(POLICY, false);

    refused();

    assertThat(owner.events).containsExactly("connecting", "lost terminal=true CONNECT_FAILED", "gaveUp 0");
    assertThat(lifecycle.phase()).isEqualTo(Phase.CLOSED);
  }

  @Test
  void afterAFirstSessionLossesAreRetriedEvenWhenTheFirstConnectionIsNot() {
    start(POLICY, false);
    EmbeddedChannel ch = sessionUp();

    closedByPeer(ch);

    assertThat(owner.events).endsWith("lost terminal=false CLOSED_BY_HOST", "backingOff 1 100ms");
  }

  @Test
  void anAttemptThatOutlivesTheConnectTimeoutFailsAndIsRetried() {
    start(POLICY, true);
    advance(CONNECT_TIMEOUT_MS - 1);
    assertThat(owner.events).containsExactly("connecting");

    advance(1);

    assertThat(owner.events).containsExactly("connecting", "lost terminal=false CONNECT_FAILED", "backingOff 1 100ms");
  }

  @Test
  void aConfirmedSessionIsReadyOnlyOnTheConfirmation() {
    owner.confirmWithin = Duration.ofMillis(500);
    start(POLICY, true);
    EmbeddedChannel ch = sessionUp();
    assertThat(lifecycle.phase()).isEqualTo(Phase.CONFIRMING);
    assertThat(lifecycle.phase().isStarted()).isTrue();
    assertThat(lifecycle.sessionCount()).isZero();

    ch.writeInbound(StompFrame.builder(StompCommand.RECEIPT).header(StompHeaders.RECEIPT_ID, "confirm-1").build());

    assertThat(owner.events).endsWith("receipt confirm-1");
    assertThat(lifecycle.phase()).isEqualTo(Phase.READY);
    assertThat(lifecycle.sessionCount()).isEqualTo(1);
    advance(60_000); // the confirmation timer was cancelled
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void noConfirmationInTimeEndsTheSessionAsAProtocolFailure() {
    owner.confirmWithin = Duration.ofMillis(500);
    start(POLICY, true);
    EmbeddedChannel ch = sessionUp();
    advance(499);
    assertThat(ch.isActive()).isTrue();

    advance(1);
    ch.runPendingTasks();

    assertThat(ch.isActive()).isFalse();
    assertThat(owner.events).endsWith("lost terminal=false PROTOCOL", "backingOff 1 100ms");
    assertThat(owner.lastFailure.getMessage()).contains("no RECEIPT for the test within 500 ms");
  }

  @Test
  void closeOfAReadySessionUnsubscribesThenDisconnectsAndTheReceiptConfirmsIt() {
    start(POLICY, true);
    EmbeddedChannel ch = sessionUp();
    owner.events.clear();

    assertThat(lifecycle.close(Duration.ofSeconds(2))).isTrue();
    clock.runPendingTasks();

    assertThat(owner.events).containsExactly("closing", "beforeDisconnect");
    assertThat(lifecycle.phase()).isEqualTo(Phase.CLOSING);
    StompFrame disconnect = ch.readOutbound();
    assertThat(disconnect.command()).isEqualTo(StompCommand.DISCONNECT);
    String receipt = disconnect.header(StompHeaders.RECEIPT);
    assertThat(receipt).startsWith("disconnect-");
    ch.writeInbound(StompFrame.builder(StompCommand.RECEIPT).header(StompHeaders.RECEIPT_ID, receipt).build());
    ch.runPendingTasks();

    assertThat(owner.events).containsExactly("closing", "beforeDisconnect", "lost terminal=true CLIENT_CLOSED", "closed true");
    assertThat(lifecycle.phase()).isEqualTo(Phase.CLOSED);
  }

  @Test
  void closeWithoutAReceiptClosesAfterTheWaitUnconfirmed() {
    start(POLICY, true);
    EmbeddedChannel ch = sessionUp();
    lifecycle.close(Duration.ofSeconds(2));
    clock.runPendingTasks();
    ch.advanceTimeBy(1_999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();

    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();

    assertThat(ch.isActive()).isFalse();
    assertThat(owner.events).endsWith("closed false");
  }

  @Test
  void closeWhileBackingOffEndsAtOnceAndNoAttemptFollows() {
    start(POLICY, true);
    refused();
    owner.events.clear();

    lifecycle.close(Duration.ofSeconds(2));
    clock.runPendingTasks();
    advance(60_000);

    assertThat(owner.events).containsExactly("closing", "closed false");
  }

  @Test
  void closeWhileConnectingEndsTheAttemptAtOnce() {
    start(POLICY, true);

    lifecycle.close(Duration.ofSeconds(2));
    clock.runPendingTasks();

    // Nothing was connected: the attempt ends as a failed connection, closed by the client.
    assertThat(owner.events).containsExactly("connecting", "closing", "lost terminal=true CONNECT_FAILED", "closed false");
    assertThat(owner.lastFailure.getMessage()).contains("closed by the client");
    advance(60_000);
    assertThat(owner.events).hasSize(4);
  }

  @Test
  void closeTwiceClosesOnce() {
    start(POLICY, true);
    refused();
    lifecycle.close(Duration.ofSeconds(2));
    lifecycle.close(Duration.ofSeconds(2));
    clock.runPendingTasks();

    assertThat(owner.events.stream().filter(e -> e.startsWith("closed"))).containsExactly("closed false");
  }

  @Test
  void reportsOfASessionThatIsNoLongerCurrentAreNotPassedOn() {
    start(POLICY, true);
    StompClientSession stale = lifecycle.session();
    EmbeddedChannel ch = sessionUp();
    closedByPeer(ch);
    advance(100);
    owner.events.clear();

    owner.listener.message(stale, StompFrame.builder(StompCommand.MESSAGE).build());
    owner.listener.receipt(stale, "r-1");
    owner.listener.sessionStarted(stale, HeartBeat.Negotiated.NONE);

    assertThat(owner.events).isEmpty();
    assertThat(lifecycle.phase()).isEqualTo(Phase.CONNECTING);
  }

  @Test
  void aMessageOfTheCurrentSessionReachesTheOwner() {
    start(POLICY, true);
    EmbeddedChannel ch = sessionUp();

    ch.writeInbound(StompFrame.builder(StompCommand.MESSAGE).header(StompHeaders.DESTINATION, "/queue/a").build());

    assertThat(owner.events).endsWith("message /queue/a");
  }

  /** Records what it is told; readies sessions at once unless {@link #confirmWithin} is set. */
  private final class RecordingOwner implements ConnectionLifecycle.Owner {
    final List<String> events = new ArrayList<>();
    Duration confirmWithin;
    StompClientSession.Listener listener;
    ConnectionLostException lastFailure;

    @Override
    public void connecting() {
      events.add("connecting");
    }

    @Override
    public StompClientSession newSession(StompClientSession.Listener sessionListener) {
      listener = sessionListener;
      return new StompClientSession("h:1", "h", HeartBeat.NONE, 1.5, sessionListener, "host");
    }

    /** Like the connector: the attempt fails when CONNECTED has not come within the connect timeout. */
    @Override
    public ScheduledFuture<?> open(StompClientSession session, BooleanSupplier wanted) {
      return clock.eventLoop().schedule(() -> {
        if (wanted.getAsBoolean() && !session.isConnected()) {
          session.connectFailed(new ConnectException("timed out"));
        }
      }, CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void sessionStarted(StompClientSession session, HeartBeat.Negotiated heartBeat) {
      events.add("started");
      if (confirmWithin == null) {
        lifecycle.ready();
      } else {
        lifecycle.awaitConfirmation(confirmWithin, "RECEIPT for the test");
      }
    }

    @Override
    public void message(StompClientSession session, StompFrame frame) {
      events.add("message " + frame.header(StompHeaders.DESTINATION));
    }

    @Override
    public void receipt(StompClientSession session, String receiptId) {
      events.add("receipt " + receiptId);
      if (lifecycle.phase() == Phase.CONFIRMING) {
        lifecycle.ready();
      }
    }

    @Override
    public void lost(StompClientSession session, ConnectionLostException failure, boolean terminal) {
      lastFailure = failure;
      events.add("lost terminal=" + terminal + " " + failure.reason());
    }

    @Override
    public void gaveUp(ConnectionLostException failure, int failures) {
      events.add("gaveUp " + failures);
    }

    @Override
    public void backingOff(ConnectionLostException failure, int failures, Duration delay) {
      events.add("backingOff " + failures + " " + delay.toMillis() + "ms");
    }

    @Override
    public void closing() {
      events.add("closing");
    }

    @Override
    public void beforeDisconnect(StompClientSession session) {
      events.add("beforeDisconnect");
    }

    @Override
    public void closed(boolean disconnectConfirmed) {
      events.add("closed " + disconnectConfirmed);
    }
  }
}

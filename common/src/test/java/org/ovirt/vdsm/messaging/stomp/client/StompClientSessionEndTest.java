package org.ovirt.vdsm.messaging.stomp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ovirt.vdsm.messaging.stomp.client.SessionRecorder.bytes;
import static org.ovirt.vdsm.messaging.stomp.client.SessionRecorder.written;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd.Reason;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;

/**
 * Every way a {@link StompClientSession} ends, and the exact {@link SessionEnd} it reports once: the
 * reason, the message ("cannot connect to NAME: ..." before CONNECTED, "connection to NAME lost:
 * ..." after), the cause; and that the events it looks at still reach the handlers after it.
 */
class StompClientSessionEndTest {

  private final SessionRecorder recorder = new SessionRecorder();
  private EmbeddedChannel ch;

  @AfterEach
  void close() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  private StompClientSession session(String peer) {
    return new StompClientSession("host:1", "host", new HeartBeat(1000, 1000), 1.5, recorder, peer);
  }

  private StompClientSession start(boolean connected) {
    StompClientSession session = session("peer");
    ch = recorder.channel(session, true);
    written(ch);
    if (connected) {
      ch.writeInbound(bytes("CONNECTED\nversion:1.2\n\n\0"));
    }
    return session;
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(new StompDecodeException("unknown command", "not a STOMP command: 'X'"), Reason.PROTOCOL,
            "unknown command: not a STOMP command: 'X'"),
        Arguments.of(new SSLException("bad record MAC"), Reason.TLS, "bad record MAC"),
        Arguments.of(new DecoderException(new SSLException("bad record MAC")), Reason.TLS, "bad record MAC"),
        Arguments.of(new IOException("wrapped", new SSLException("unexpected message")), Reason.TLS,
            "unexpected message"),
        Arguments.of(new DecoderException("frame too large"), Reason.PROTOCOL, "frame too large"),
        Arguments.of(new DecoderException(new IOException("inner")), Reason.PROTOCOL, "inner"),
        Arguments.of(new IOException("Connection reset by peer"), Reason.IO_ERROR, "Connection reset by peer"),
        Arguments.of(new IllegalStateException("listener failed"), Reason.PROTOCOL, "listener failed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void anExceptionClosesWithItsReasonAndInnermostMessage(Throwable failure, Reason reason, String message) {
    start(true);
    ch.pipeline().fireExceptionCaught(failure);
    assertThat(ch.isOpen()).isFalse();
    SessionEnd end = recorder.end();
    assertThat(end.reason()).isEqualTo(reason);
    assertThat(end.message()).isEqualTo("connection to host:1 lost: " + message);
    assertThat(end.cause()).isSameAs(failure);
  }

  @Test
  void anExceptionBeforeConnectedIsReportedAsACannotConnect() {
    start(false);
    ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.IO_ERROR,
        "cannot connect to host:1: Connection reset by peer", recorder.end().cause()));
  }

  @Test
  void aFailedTlsHandshakeIsReportedAsTlsAndPassedOn() {
    start(false);
    SSLHandshakeException failure = new SSLHandshakeException("PKIX path building failed");
    SslHandshakeCompletionEvent event = new SslHandshakeCompletionEvent(failure);
    ch.pipeline().fireUserEventTriggered(event);
    assertThat(recorder.passedOn).contains("event " + event);
    ch.close();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.TLS,
        "cannot connect to host:1: TLS handshake failed: PKIX path building failed", failure));
  }

  @Test
  void aSuccessfulTlsHandshakeIsPassedOnAndChangesNothing() {
    start(false);
    ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    assertThat(recorder.passedOn).contains("event " + SslHandshakeCompletionEvent.SUCCESS);
    assertThat(ch.isOpen()).isTrue();
    ch.close();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.CONNECT_FAILED,
        "cannot connect to host:1: closed by the peer before CONNECTED", null));
  }

  @Test
  void aSilentPeerIsReportedWithTheDeadPeerTimeoutAndPassedOn() {
    StompClientSession session = session("host");
    ch = recorder.channel(session, true);
    ch.writeInbound(bytes("CONNECTED\nversion:1.2\nheart-beat:2000,1000\n\n\0"));
    ch.pipeline().fireUserEventTriggered(StompHeartBeatHandler.PEER_SILENT);
    assertThat(recorder.passedOn).contains("event PEER_SILENT");
    ch.close();
    // receive interval max(2000 the host can send, 1000 we want) = 2000 ms, times 1.5
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.HEART_BEAT,
        "connection to host:1 lost: heart-beat lost: nothing from the host for 3000 ms", null));
  }

  @Test
  void otherEventsArePassedOnAndChangeNothing() {
    start(true);
    ch.pipeline().fireUserEventTriggered("something else");
    assertThat(recorder.passedOn).contains("event something else");
    assertThat(recorder.ends).isEmpty();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void aCloseBeforeConnectedNamesThePeerKind() {
    StompClientSession session = session("broker");
    ch = recorder.channel(session, true);
    ch.close();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.CONNECT_FAILED,
        "cannot connect to host:1: closed by the broker before CONNECTED", null));
    assertThat(recorder.passedOn).containsExactly("active", "inactive");
  }

  @Test
  void aCloseAfterConnectedIsAClosedByThePeer() {
    StompClientSession session = session("broker");
    ch = recorder.channel(session, true);
    ch.writeInbound(bytes("CONNECTED\nversion:1.2\n\n\0"));
    ch.close();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.CLOSED_BY_PEER,
        "connection to host:1 lost: closed by the broker", null));
    assertThat(recorder.events).containsExactly("started", "ended CLOSED_BY_PEER");
  }

  @Test
  void anErrorFrameEndsTheSessionWithItsMessageHeader() {
    StompClientSession session = session("host");
    ch = recorder.channel(session, true);
    ch.writeInbound(bytes("CONNECTED\nversion:1.2\n\n\0ERROR\nmessage:access denied\n\ndetails\0"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.PROTOCOL,
        "connection to host:1 lost: the host sent ERROR: access denied", null));
  }

  @Test
  void aMalformedHeartBeatInConnectedIsAProtocolErrorNamingIt() {
    start(false);
    ch.writeInbound(bytes("CONNECTED\nversion:1.2\nheart-beat:soon\n\n\0"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.PROTOCOL,
        "cannot connect to host:1: the peer sent a malformed heart-beat: heart-beat must be '<send>,<receive>': 'soon'",
        null));
    assertThat(recorder.events).containsExactly("ended PROTOCOL");
  }

  @Test
  void aMessageBeforeConnectedIsAProtocolErrorAndNotDelivered() {
    start(false);
    ch.writeInbound(bytes("MESSAGE\ndestination:d\n\n{}\0"));
    assertThat(recorder.messages).isEmpty();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.PROTOCOL,
        "cannot connect to host:1: MESSAGE before CONNECTED", null));
  }

  @Test
  void theFirstReasonRecordedWins() {
    start(false);
    ch.writeInbound(bytes("CONNECTED\nversion:1.2\nheart-beat:1000,1000\n\n\0"));
    ch.pipeline().fireUserEventTriggered(StompHeartBeatHandler.PEER_SILENT); // recorded, not closed yet
    ch.pipeline().fireExceptionCaught(new IOException("second"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.HEART_BEAT,
        "connection to host:1 lost: heart-beat lost: nothing from the peer for 1500 ms", null));
  }

  @Test
  void anAbortAfterTheEndChangesNothing() {
    StompClientSession session = start(true);
    session.abort(Reason.PROTOCOL, "first", null);
    session.abort(Reason.TLS, "second", null);
    session.connectFailed(new IOException("third"));
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.PROTOCOL, "connection to host:1 lost: first", null));
  }

  // ---- ended by this side ----

  @Test
  void closeNowBeforeTheSessionIsInAPipelineIsAConnectFailure() {
    StompClientSession session = session("peer");
    session.closeNow();
    SessionEnd end = recorder.end();
    assertThat(end.reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(end.message()).isEqualTo("cannot connect to host:1: closed by the client");
    assertThat(end.cause()).isInstanceOf(IOException.class).hasMessage("closed by the client");
  }

  @Test
  void closeNowWhileConnectingClosesTheChannel() {
    StompClientSession session = start(false);
    session.closeNow();
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.CLOSED_LOCALLY,
        "cannot connect to host:1: closed by the client", null));
  }

  @Test
  void closeNowWhenConnectedClosesTheChannel() {
    StompClientSession session = start(true);
    session.closeNow();
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.CLOSED_LOCALLY,
        "connection to host:1 lost: closed by the client", null));
  }

  @Test
  void disconnectWithoutAReceiptClosesExactlyAfterTheWait() {
    StompClientSession session = start(true);
    ch.freezeTime();
    ScheduledFuture<?> timer = session.disconnect("bye", Duration.ofMillis(2_000));
    assertThat(written(ch)).isEqualTo("DISCONNECT\nreceipt:bye\n\n\0");
    ch.advanceTimeBy(1_999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    assertThat(recorder.ends).isEmpty();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(timer.isDone()).isTrue();
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.CLOSED_LOCALLY,
        "connection to host:1 lost: closed by the client (no receipt for DISCONNECT)", null));
  }

  @Test
  void disconnectAnsweredBeforeTheWaitEndsAsThePeerClosed() {
    StompClientSession session = start(true);
    ch.freezeTime();
    session.disconnect("bye", Duration.ofMillis(2_000));
    ch.writeInbound(bytes("RECEIPT\nreceipt-id:bye\n\n\0"));
    ch.close();
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(recorder.events).containsExactly("started", "receipt bye", "ended CLOSED_BY_PEER");
  }

  @Test
  void disconnectRefusesMissingArguments() {
    StompClientSession session = start(true);
    assertThatThrownBy(() -> session.disconnect("bye", null)).hasMessage("wait");
    assertThatThrownBy(() -> session.disconnect(null)).hasMessage("receiptId");
    assertThat(written(ch)).isEmpty();
  }

  // ---- the TCP connect failed ----

  @Test
  void aFailedConnectIsReportedOnceWithTheInnermostMessage() {
    StompClientSession session = session("peer");
    ConnectException refused = new ConnectException("Connection refused");
    RuntimeException outer = new RuntimeException("outer", new IllegalStateException("middle", refused));
    session.connectFailed(outer);
    session.connectFailed(new IOException("again"));
    assertThat(recorder.end()).isEqualTo(new SessionEnd(Reason.CONNECT_FAILED,
        "cannot connect to host:1: Connection refused", outer));
  }

  @Test
  void rootMessageIsTheInnermostMessageOrItsClassName() {
    assertThat(StompClientSession.rootMessage(new IOException("only"))).isEqualTo("only");
    assertThat(StompClientSession.rootMessage(new IOException("outer", new ConnectException("inner"))))
        .isEqualTo("inner");
    assertThat(StompClientSession.rootMessage(new IOException("outer", new ConnectException())))
        .isEqualTo("ConnectException");
    Throwable selfCaused = new Throwable("loops") {
      @Override
      public synchronized Throwable getCause() {
        return this;
      }
    };
    assertThat(StompClientSession.rootMessage(selfCaused)).isEqualTo("loops");
  }

  @Test
  void aSessionEndNeedsAReasonAndAMessage() {
    assertThatThrownBy(() -> new SessionEnd(null, "m", null)).hasMessage("reason");
    assertThatThrownBy(() -> new SessionEnd(Reason.TLS, null, null)).hasMessage("message");
    assertThat(new SessionEnd(Reason.TLS, "m", null).cause()).isNull();
  }
}

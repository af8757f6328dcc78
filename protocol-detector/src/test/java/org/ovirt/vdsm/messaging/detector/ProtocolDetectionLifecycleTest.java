package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The detection timer's life (armed when the connection is or becomes active, restarted after a TLS
 * handshake, gone once detection ends) and the close reasons in the log: the first bytes shown
 * printable and escaped, the root cause of a failure.
 */
class ProtocolDetectionLifecycleTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ProtocolDetection.class);
  private final List<Object> eventsAfterDetection = new ArrayList<>();

  private Level levelBefore;

  @BeforeEach
  void captureLog() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO); // the test logging config keeps WARN and above only
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
    logger.setLevel(levelBefore);
  }

  private static DetectionSettings settings() {
    return new DetectionSettings(TlsMode.OFF, null, DetectionSettings.DEFAULT_HANDSHAKE_TIMEOUT, TIMEOUT,
        List.of(CommandLineDetector.stomp(p -> p.addLast("stomp", new ChannelInboundHandlerAdapter())),
            CommandLineDetector.http(p -> p.addLast("http", new ChannelInboundHandlerAdapter()))));
  }

  private static EmbeddedChannel installed() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ProtocolDetection.install(ch.pipeline(), settings());
    return ch;
  }

  /** The second stage as it stands after a TLS handshake started, with a recorder of events behind it. */
  private EmbeddedChannel afterTls() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(ProtocolDetection.DETECT, new ProtocolDetection.Detector(settings(), Long.MAX_VALUE, true));
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        eventsAfterDetection.add(evt);
      }
    });
    return ch;
  }

  private static void advance(EmbeddedChannel ch, long seconds) {
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  /**
   * The close line of a scenario. The close lines are rate limited (20 a second for every
   * connection), so the scenario is run on fresh channels until its line is logged; within 5 s.
   */
  private String closeLine(Supplier<EmbeddedChannel> scenario, String expectedPart) {
    List<String> seen = new ArrayList<>();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
      EmbeddedChannel ch = scenario.get();
      assertThat(ch.isActive()).as("closed by the scenario").isFalse();
      ch.finishAndReleaseAll();
      logged.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.endsWith(", closing"))
          .forEach(seen::add);
      logged.list.clear();
      return seen.stream().anyMatch(m -> m.contains(expectedPart));
    });
    return seen.stream().filter(m -> m.contains(expectedPart)).findFirst().orElseThrow();
  }

  @Test
  void silentClientOnAnActiveConnectionIsClosedAtTheDeadline() {
    EmbeddedChannel ch = installed();
    advance(ch, 5);
    assertThat(ch.isActive()).as("half the timeout, not a byte").isTrue();
    advance(ch, 6);
    assertThat(ch.isActive()).as("past the timeout").isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void silentClientOnAConnectionThatBecomesActiveLaterIsClosedAtTheDeadline() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(false, false);
    ProtocolDetection.install(ch.pipeline(), settings());
    ch.register();
    ch.freezeTime();
    assertThat(ch.isActive()).isTrue();
    advance(ch, 5);
    assertThat(ch.isActive()).as("half the timeout").isTrue();
    advance(ch, 6);
    assertThat(ch.isActive()).as("past the timeout").isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void aConnectionThatBecomesActiveLaterKeepsOneTimerOnly() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(false, false);
    ProtocolDetection.install(ch.pipeline(), settings());
    ch.register();
    ch.freezeTime();
    ch.writeInbound(Unpooled.copiedBuffer("CONNECT\n", StandardCharsets.ISO_8859_1));
    assertThat(ch.runScheduledPendingTasks()).as("no timer after detection").isEqualTo(-1);
    ch.finishAndReleaseAll();
  }

  /** A channel that is not active until the test says so (as a connection still connecting). */
  private static final class LateActiveChannel extends EmbeddedChannel {
    boolean active;

    @Override
    public boolean isActive() {
      return active && super.isActive();
    }
  }

  @Test
  void aConnectionNotActiveWhenInstalledGetsItsTimerWhenItBecomesActive() {
    LateActiveChannel ch = new LateActiveChannel();
    ch.freezeTime();
    ProtocolDetection.install(ch.pipeline(), settings());
    List<String> passedOn = new ArrayList<>();
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        passedOn.add("active");
      }
    });
    assertThat(ch.runScheduledPendingTasks()).as("not active: no timer yet").isEqualTo(-1);
    ch.active = true;
    ch.pipeline().fireChannelActive();
    assertThat(passedOn).as("channelActive passed on").containsExactly("active");
    advance(ch, 5);
    assertThat(ch.isActive()).as("half the timeout after it became active").isTrue();
    advance(ch, 6);
    assertThat(ch.isActive()).as("past the timeout").isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void aFailedDetectionCancelsItsTimerAtOnceEvenWhileTheCloseIsHeld() {
    // An outbound handler before detection that holds the close, as an SslHandler does until its
    // close_notify is flushed: the channel is still active, its timer must be gone already.
    List<String> closes = new ArrayList<>();
    boolean[] hold = {true};
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
      @Override
      public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        closes.add("close");
        if (!hold[0]) {
          super.close(ctx, promise);
        }
      }
    });
    ProtocolDetection.install(ch.pipeline(), settings());
    ch.writeInbound(Unpooled.copiedBuffer("XYZ\n", StandardCharsets.ISO_8859_1));
    assertThat(closes).containsExactly("close");
    assertThat(ch.isActive()).as("the close is held").isTrue();
    assertThat(ch.runScheduledPendingTasks()).as("no timer once detection failed").isEqualTo(-1);
    hold[0] = false;
    ch.finishAndReleaseAll();
  }

  @Test
  void noTimerIsLeftOnceAProtocolIsDetected() {
    EmbeddedChannel ch = installed();
    assertThat(ch.runScheduledPendingTasks()).as("the detection timer").isPositive();
    ch.writeInbound(Unpooled.copiedBuffer("CONNECT\n", StandardCharsets.ISO_8859_1));
    assertThat(ch.pipeline().get(ProtocolDetection.DETECT + "-app")).isNull();
    assertThat(ch.runScheduledPendingTasks()).as("no timer after detection").isEqualTo(-1);
    ch.finishAndReleaseAll();
  }

  @Test
  void noTimerIsLeftOnceDetectionFails() {
    EmbeddedChannel ch = installed();
    ch.writeInbound(Unpooled.copiedBuffer("XYZ\n", StandardCharsets.ISO_8859_1));
    assertThat(ch.isActive()).isFalse();
    assertThat(ch.runScheduledPendingTasks()).as("no timer after the close").isEqualTo(-1);
    ch.finishAndReleaseAll();
  }

  @Test
  void noTimerIsLeftWhenThePeerClosesFirst() {
    EmbeddedChannel ch = installed();
    ch.writeInbound(Unpooled.copiedBuffer("CON", StandardCharsets.ISO_8859_1));
    List<String> after = new ArrayList<>();
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        after.add("inactive");
      }
    });
    ch.pipeline().fireChannelInactive();
    assertThat(ch.runScheduledPendingTasks()).as("no timer after channelInactive").isEqualTo(-1);
    assertThat(after).as("channelInactive passed on").containsExactly("inactive");
    ch.finishAndReleaseAll();
  }

  @Test
  void removingTheDetectorRemovesItsTimer() {
    EmbeddedChannel ch = installed();
    ch.pipeline().remove(ProtocolDetection.DETECT);
    assertThat(ch.runScheduledPendingTasks()).isEqualTo(-1);
    ch.finishAndReleaseAll();
  }

  @Test
  void aSuccessfulHandshakeStartsAFullDetectionTimeout() {
    EmbeddedChannel ch = afterTls();
    assertThat(ch.runScheduledPendingTasks()).as("no deadline during the handshake").isEqualTo(-1);
    ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    assertThat(eventsAfterDetection).containsExactly(SslHandshakeCompletionEvent.SUCCESS);
    advance(ch, 5);
    assertThat(ch.isActive()).as("half the timeout after the handshake").isTrue();
    advance(ch, 6);
    assertThat(ch.isActive()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void aFailedHandshakeGoesOnDownThePipelineAndClosesWithItsRootCause() {
    List<SslHandshakeCompletionEvent> failures = new ArrayList<>();
    String line = closeLine(() -> {
      EmbeddedChannel ch = afterTls();
      SslHandshakeCompletionEvent failed = new SslHandshakeCompletionEvent(
          new SSLHandshakeException("outer"));
      failed.cause().initCause(new IOException("bad certificate from the peer"));
      failures.add(failed);
      ch.pipeline().fireUserEventTriggered(failed);
      return ch;
    }, "TLS handshake failed");
    assertThat(line).endsWith("TLS handshake failed: bad certificate from the peer, closing");
    assertThat(eventsAfterDetection).isNotEmpty().allMatch(failures::contains);
  }

  @Test
  void anExceptionDuringDetectionClosesNamingTheRootCause() {
    String line = closeLine(() -> {
      EmbeddedChannel ch = installed();
      ch.pipeline().fireExceptionCaught(new IOException("outer", new IllegalStateException("inner reason")));
      return ch;
    }, "connection failed during detection");
    assertThat(line).endsWith("connection failed during detection: inner reason, closing");
  }

  @Test
  void aCauseWithoutMessageIsNamedByItsClass() {
    assertThat(ProtocolDetection.rootMessage(new IOException())).isEqualTo("IOException");
    assertThat(ProtocolDetection.rootMessage(new IOException("top"))).isEqualTo("top");
    assertThat(ProtocolDetection.rootMessage(new IOException("top", new IllegalStateException())))
        .isEqualTo("IllegalStateException");
  }

  @Test
  void unknownBytesAreLoggedPrintableWithControlBytesAndDelEscaped() {
    byte[] first = {'A', ' ', '~', 0x7f, 0x1f, (byte) 0x80, '!'};
    String line = closeLine(() -> {
      EmbeddedChannel ch = installed();
      ch.writeInbound(Unpooled.wrappedBuffer(first));
      return ch;
    }, "unknown protocol");
    assertThat(line).endsWith("unknown protocol (first bytes: \"A ~\\x7f\\x1f\\x80!\"), closing");
  }

  @Test
  void aSingleUnknownByteIsLogged() {
    String line = closeLine(() -> {
      EmbeddedChannel ch = installed();
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'Z'}));
      return ch;
    }, "unknown protocol");
    assertThat(line).endsWith("unknown protocol (first bytes: \"Z\"), closing");
  }

  @Test
  void atMostSixteenUnknownBytesAreLogged() {
    String line = closeLine(() -> {
      EmbeddedChannel ch = installed();
      ch.writeInbound(Unpooled.copiedBuffer("0123456789abcdefXYZ", StandardCharsets.ISO_8859_1));
      return ch;
    }, "unknown protocol");
    assertThat(line).endsWith("unknown protocol (first bytes: \"0123456789abcdef\"), closing");
  }

  @Test
  void tlsOnAPlaintextOnlyPortIsLoggedAsSuch() {
    String line = closeLine(() -> {
      EmbeddedChannel ch = installed();
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40}));
      return ch;
    }, "TLS handshake on a plaintext-only port");
    assertThat(line).endsWith(": TLS handshake on a plaintext-only port, closing");
  }
}

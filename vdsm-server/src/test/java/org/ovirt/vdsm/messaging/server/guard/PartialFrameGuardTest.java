package org.ovirt.vdsm.messaging.server.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;

/**
 * The deadline for completing a frame and the server-wide budget of partial frames, on an {@link
 * EmbeddedChannel} with a frozen clock: each frame gets its own deadline from its first byte, even
 * when frames arrive back to back so that the connection is never between frames after a read.
 */
class PartialFrameGuardTest {
  private static final long T = 1_000; // ms

  private final ServerBudgets budgets = new ServerBudgets(GuardSettings.DEFAULTS
      .withFrameCompletionTimeout(Duration.ofMillis(T)).withMemoryBudgets(200, 1 << 20));
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** Collects what comes out of the decoder, frames and failures. */
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<StompFrame> frames = new ArrayList<>();
    final List<StompDecodeException> failures = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      frames.add((StompFrame) msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failures.add((StompDecodeException) cause);
    }
  }

  private EmbeddedChannel channel(Recorder recorder) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    StompFrameDecoder decoder = new StompFrameDecoder();
    PartialFrameGuard guard = new PartialFrameGuard(decoder, budgets);
    ch.pipeline().addLast(guard, decoder, guard.completions(), recorder);
    channels.add(ch);
    return ch;
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private static void write(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  private static void advance(EmbeddedChannel ch, long ms) {
    ch.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

  private static final String FRAME = "SEND\ndestination:a\n\nbody\0";

  @Test
  void aFrameNotCompleteAtTheDeadlineFails() {
    Recorder r = new Recorder();
    EmbeddedChannel ch = channel(r);
    write(ch, "SEND\ndestination:a\ncontent-length:10\n\nabc");
    advance(ch, T - 1);
    assertThat(r.failures).isEmpty();
    advance(ch, 2);
    assertThat(r.failures).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(PartialFrameGuard.FRAME_TIMEOUT);
      assertThat(e.detail()).isEqualTo("A frame must be complete within 1000 ms of its first byte (frameCompletionTimeout).");
    });
    assertThat(budgets.partialFrameBytes()).isZero();
  }

  @Test
  void framesArrivingBackToBackEachHaveTheirOwnDeadline() {
    Recorder r = new Recorder();
    EmbeddedChannel ch = channel(r);
    String head = FRAME.substring(0, 10);
    String tail = FRAME.substring(10);
    write(ch, FRAME + head); // frame 2 starts at 0
    advance(ch, T - 100);
    write(ch, tail + head); // frame 2 ends, frame 3 starts at T - 100
    advance(ch, T - 100); // 2T - 200: past the first deadline, within the second
    assertThat(r.failures).isEmpty();
    assertThat(r.frames).hasSize(2);
    advance(ch, 200); // 2T: frame 3 is T + 100 old
    assertThat(r.failures).singleElement().extracting(StompDecodeException::reason)
        .isEqualTo(PartialFrameGuard.FRAME_TIMEOUT);
  }

  @Test
  void heartBeatsAloneStartNoDeadline() {
    Recorder r = new Recorder();
    EmbeddedChannel ch = channel(r);
    write(ch, FRAME + "\n\r\n\n");
    advance(ch, 10 * T);
    assertThat(r.failures).isEmpty();
    assertThat(budgets.partialFrameBytes()).isZero();
  }

  @Test
  void partialFramesOfAllConnectionsShareTheBudget() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    EmbeddedChannel chA = channel(a);
    EmbeddedChannel chB = channel(b);
    String start = "SEND\ndestination:a\ncontent-length:500\n\n";
    write(chA, start + "x".repeat(80));
    long heldByA = budgets.partialFrameBytes();
    assertThat(heldByA).isBetween(80L, 200L);
    write(chB, start + "y".repeat(80)); // together past 200 bytes
    assertThat(a.failures).isEmpty();
    assertThat(b.failures).singleElement().extracting(StompDecodeException::reason)
        .isEqualTo(PartialFrameGuard.BUDGET_EXCEEDED);
    assertThat(budgets.partialFrameBytes()).isEqualTo(heldByA); // B's share given back
    chA.close();
    assertThat(budgets.partialFrameBytes()).isZero();
  }
}

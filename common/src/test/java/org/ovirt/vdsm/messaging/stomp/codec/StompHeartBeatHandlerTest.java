package org.ovirt.vdsm.messaging.stomp.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

class StompHeartBeatHandlerTest {

  private final List<Object> events = new ArrayList<>();
  private EmbeddedChannel ch;

  private EmbeddedChannel channel(long sendMs, long receiveMs, ChannelHandler... before) {
    ch = new EmbeddedChannel(before);
    ch.freezeTime();
    ch.pipeline().addLast(StompHeartBeatHandler.NAME,
        new StompHeartBeatHandler(new HeartBeat.Negotiated(sendMs, receiveMs), 1.5));
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    });
    return ch;
  }

  @AfterEach
  void close() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  private void advance(long ms) {
    ch.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

  /** Everything written since the last call, as text. */
  private String written() {
    StringBuilder sb = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(US_ASCII));
      b.release();
    }
    return sb.toString();
  }

  @Test
  void sendsOneEolAfterThreeQuartersOfTheIntervalMinusATickOfSilence() {
    channel(1_000, 0);
    advance(650);
    assertThat(written()).isEmpty();
    advance(50);
    assertThat(written()).isEqualTo("\n");
    advance(650);
    assertThat(written()).isEmpty();
    advance(50);
    assertThat(written()).isEqualTo("\n");
  }

  @Test
  void aFlushedFramePostponesTheHeartBeat() {
    channel(1_000, 0);
    advance(500);
    ch.writeAndFlush(Unpooled.copiedBuffer("SEND\n\n\0", US_ASCII));
    assertThat(written()).isEqualTo("SEND\n\n\0");
    advance(500);
    assertThat(written()).isEmpty();
    advance(240);
    assertThat(written()).isEqualTo("\n");
  }

  @Test
  void noGapOnTheWireReachesTheIntervalWhenTheLoopRunsUpToAQuarterLate() {
    channel(1_000, 0);
    SplittableRandom random = new SplittableRandom(42);
    long now = 0;
    long lastWrite = 0;
    long maxGap = 0;
    for (int i = 0; i < 2_000; i++) {
      // Irregular steps up to 250 ms: the timer task runs late by up to a quarter of the interval.
      long step = 1 + random.nextInt(250);
      now += step;
      advance(step);
      if (random.nextInt(10) == 0) {
        ch.writeAndFlush(Unpooled.copiedBuffer("x", US_ASCII));
      }
      if (!written().isEmpty()) {
        maxGap = Math.max(maxGap, now - lastWrite);
        lastWrite = now;
      }
    }
    assertThat(maxGap).isLessThan(1_000);
  }

  @Test
  void readsDoNotCountAsWrites() {
    channel(1_000, 1_000);
    advance(500);
    ch.writeInbound(Unpooled.copiedBuffer("\n", US_ASCII));
    advance(240);
    assertThat(written()).isEqualTo("\n");
  }

  @Test
  void closesASilentPeerAfterGraceTimesTheIntervalAndSaysSoFirst() {
    channel(0, 1_000);
    advance(1_480);
    assertThat(ch.isActive()).isTrue();
    assertThat(events).isEmpty();
    advance(40);
    assertThat(events).containsExactly(StompHeartBeatHandler.PEER_SILENT);
    assertThat(ch.isActive()).isFalse();
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
  }

  @Test
  void closesASilentPeerAtTheTickWhereItsSilenceReachesTheLimitExactly() {
    channel(0, 1_000);
    advance(1_450);
    assertThat(ch.isActive()).isTrue();
    advance(50); // 1,500 ms of silence exactly, at a tick
    assertThat(events).containsExactly(StompHeartBeatHandler.PEER_SILENT);
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void anyByteFromThePeerKeepsItAlive() {
    channel(0, 1_000);
    for (int i = 0; i < 10; i++) {
      advance(1_400);
      ch.writeInbound(Unpooled.copiedBuffer("\n", US_ASCII));
    }
    assertThat(ch.isActive()).isTrue();
    assertThat(events).isEmpty();
  }

  /** Holds bytes until a whole "record" of {@code size} bytes came, as a TLS handler does. */
  private static final class RecordAssembler extends ByteToMessageDecoder {
    private final int size;

    RecordAssembler(int size) {
      this.size = size;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() >= size) {
        out.add(in.readRetainedSlice(size));
      }
    }
  }

  @Test
  void aPeerWhoseRecordIsStillArrivingIsAlive() {
    // A 16 KiB TLS record on a slow link: its bytes come for longer than the grace, nothing is
    // decrypted until the last one. Judged on decrypted data, this peer was declared dead.
    channel(0, 1_000, new RecordAssembler(16_384));
    assertThat(ch.pipeline().first()).isInstanceOf(PeerReadClock.class);
    for (int i = 0; i < 10; i++) {
      advance(1_400);
      ch.writeInbound(Unpooled.copiedBuffer("x", US_ASCII));
    }
    assertThat(ch.isActive()).isTrue();
    assertThat(events).isEmpty();
    advance(1_480);
    assertThat(ch.isActive()).isTrue();
    advance(40);
    assertThat(events).containsExactly(StompHeartBeatHandler.PEER_SILENT);
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void timeWhileWeDoNotReadDoesNotCountAgainstThePeer() {
    channel(0, 1_000);
    advance(1_000);
    ch.config().setAutoRead(false); // back-pressure: this side stops reading
    advance(10_000);
    assertThat(ch.isActive()).isTrue();
    assertThat(events).isEmpty();
    ch.config().setAutoRead(true); // the peer's clock starts again now, with a full allowance
    advance(1_480);
    assertThat(ch.isActive()).isTrue();
    assertThat(events).isEmpty();
    advance(40);
    assertThat(events).containsExactly(StompHeartBeatHandler.PEER_SILENT);
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void aPauseOfOurReadsThatEndsBetweenTwoLooksDoesNotCountEither() {
    channel(0, 1_000);
    advance(1_000);
    ch.config().setAutoRead(false);
    ch.advanceTimeBy(400, TimeUnit.MILLISECONDS); // no tick runs during the pause
    ch.config().setAutoRead(true);
    advance(1_000); // 2.4 s since the last byte, 1 s of it while reading
    assertThat(ch.isActive()).isTrue();
    assertThat(events).isEmpty();
  }

  @Test
  void aClosedChannelLeavesTheWheelAndTheWheelGoes() {
    channel(1_000, 1_000);
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop()).size()).isEqualTo(1);
    ch.close();
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
    advance(5_000);
    assertThat(written()).isEmpty();
  }

  @Test
  void aRemovedHandlerLeavesTheWheel() {
    channel(1_000, 1_000);
    ch.pipeline().remove(StompHeartBeatHandler.NAME);
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
    assertThat(ch.pipeline().get(PeerReadClock.class)).isNull();
    advance(5_000);
    assertThat(ch.isActive()).isTrue();
    assertThat(written()).isEmpty();
  }

  @Test
  void nothingNegotiatedNeverJoinsTheWheel() {
    channel(0, 0);
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.slf4j.LoggerFactory;

/**
 * When {@link StompHeartBeatHandler} joins and leaves its loop's wheel: it joins when the channel is
 * active and the handler in place, whichever comes last, and leaves when the channel becomes inactive;
 * the events it looks at go on down the pipeline.
 */
class StompHeartBeatHandlerLifecycleTest {

  private final List<String> passedOn = new ArrayList<>();
  private EmbeddedChannel ch;

  @AfterEach
  void close() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  private ChannelInboundHandlerAdapter recorder() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        passedOn.add("active");
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        passedOn.add("inactive");
      }
    };
  }

  /** {@code f}, once it succeeded within 10 s. */
  private static <F extends io.netty.util.concurrent.Future<?>> F done(F f) throws InterruptedException {
    assertThat(f.await(10, TimeUnit.SECONDS)).as("done within 10 s").isTrue();
    assertThat(f.cause()).isNull();
    return f;
  }

  private void advance(long ms) {
    ch.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

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
  void aHandlerAddedBeforeTheChannelIsActiveJoinsWhenItBecomesActive() throws Exception {
    // A real (in-VM) channel: registered first, active only once connected, as a socket is.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    try {
      LocalAddress address = new LocalAddress("heart-beat-lifecycle");
      Channel server = done(new ServerBootstrap().group(group).channel(LocalServerChannel.class)
          .childHandler(new ChannelInboundHandlerAdapter()).bind(address)).channel();
      List<Boolean> activeWhenAdded = new ArrayList<>();
      Channel client = done(new Bootstrap().group(group).channel(LocalChannel.class)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
              activeWhenAdded.add(c.isActive());
              c.pipeline().addLast(StompHeartBeatHandler.NAME,
                  new StompHeartBeatHandler(new HeartBeat.Negotiated(1_000, 1_000), 1.5));
              c.pipeline().addLast(recorder());
            }
          })
          .connect(address)).channel();
      EventLoop loop = client.eventLoop();
      assertThat(loop.submit(() -> {
        assertThat(activeWhenAdded).containsExactly(false);
        assertThat(passedOn).containsExactly("active");
        assertThat(client.pipeline().first()).isInstanceOf(PeerReadClock.class);
        return HeartBeatWheel.wheelOf(loop).size();
      }).get(10, TimeUnit.SECONDS)).isEqualTo(1);
      done(client.close());
      done(server.close());
      assertThat(loop.submit(() -> HeartBeatWheel.wheelOf(loop)).get(10, TimeUnit.SECONDS)).isNull();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void becomingInactiveLeavesTheWheelAndIsPassedOn() {
    ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(StompHeartBeatHandler.NAME, new StompHeartBeatHandler(new HeartBeat.Negotiated(1_000, 0), 1.5));
    ch.pipeline().addLast(recorder());
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop()).size()).isEqualTo(1);
    ch.pipeline().fireChannelInactive(); // the handler stays in the pipeline
    assertThat(passedOn).containsExactly("inactive");
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
    advance(5_000);
    assertThat(written()).isEmpty();
  }

  @Test
  void onlySendingInstallsNoReadClock() {
    ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(StompHeartBeatHandler.NAME, new StompHeartBeatHandler(new HeartBeat.Negotiated(1_000, 0), 1.5));
    assertThat(ch.pipeline().get(PeerReadClock.class)).isNull();
    advance(60_000);
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void onlyReceivingNeverWritesAHeartBeat() {
    ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(StompHeartBeatHandler.NAME, new StompHeartBeatHandler(new HeartBeat.Negotiated(0, 10_000), 1.5));
    // 40 s: the wheel looks at the handler at least twice (every 15 s of possible silence)
    for (int i = 0; i < 40; i++) {
      advance(1_000);
      ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("\n", US_ASCII));
      assertThat(written()).isEmpty();
    }
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void aReadClockAlreadyInThePipelineIsUsedNotDoubled() {
    ch = new EmbeddedChannel();
    ch.freezeTime();
    PeerReadClock existing = new PeerReadClock(ch.eventLoop().ticker());
    ch.pipeline().addFirst(PeerReadClock.NAME, existing);
    ch.pipeline().addLast(StompHeartBeatHandler.NAME, new StompHeartBeatHandler(new HeartBeat.Negotiated(0, 1_000), 1.5));
    assertThat(ch.pipeline().first()).isSameAs(existing);
    assertThat(ch.pipeline().names().stream().filter(n -> n.startsWith(PeerReadClock.NAME))).hasSize(1);
  }

  @Test
  void aSilentPeerIsLoggedWithItsSilenceAndHowLateTheTimerRan() {
    Logger logger = (Logger) LoggerFactory.getLogger("heart-beat-test." + System.nanoTime());
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    logger.setAdditive(false);
    ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(StompHeartBeatHandler.NAME, new StompHeartBeatHandler(new HeartBeat.Negotiated(0, 1_000), 1.5,
        new RateLimitedLog(logger, 100, Duration.ofSeconds(10))));
    advance(1_400);
    assertThat(lines.list).isEmpty();
    // The loop stalls: the next tick runs 120 ms after the peer's limit.
    advance(220);
    assertThat(ch.isActive()).isFalse();
    assertThat(lines.list).singleElement().satisfies(line -> {
      assertThat(line.getLevel()).isEqualTo(Level.WARN);
      assertThat(line.getFormattedMessage()).isEqualTo("embedded: no data or heart-beat from the peer for 1500 ms,"
          + " closing the connection (last byte read from the socket 1620 ms ago, timer 120 ms late)");
    });
  }
}

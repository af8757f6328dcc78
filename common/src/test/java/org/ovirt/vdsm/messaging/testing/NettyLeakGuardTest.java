package org.ovirt.vdsm.messaging.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;

class NettyLeakGuardTest {

  @Test
  void isRegisteredForAutodetection() {
    assertThat(ServiceLoader.load(Extension.class))
        .anySatisfy(e -> assertThat(e).isInstanceOf(NettyLeakGuard.class));
  }

  @Test
  void installsRecordingDetectorFactory() {
    assertThat(ResourceLeakDetectorFactory.instance().getClass().getName())
        .isEqualTo(NettyLeakGuard.class.getName() + "$RecordingFactory");
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void reportsBufferLeakedInsidePipeline() {
    assertThat(NettyLeakGuard.detectLeaks()).as("leaks pending before the test").isEmpty();

    AssertionError reported = null;
    NettyLeakGuard.logReports(false); // a deliberate leak: keep "LEAK:" out of the build log
    try {
      leakThroughInnerHandler();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (reported == null && System.nanoTime() < deadline) {
        try {
          NettyLeakGuard.assertNoLeaks("reportsBufferLeakedInsidePipeline");
        } catch (AssertionError e) {
          reported = e;
        }
      }
    } finally {
      NettyLeakGuard.logReports(true);
    }
    assertThat(reported).as("the guard reports the leak").isNotNull();
    assertThat(reported.getMessage())
        .contains("LEAK: ByteBuf.release() was not called")
        .contains(HoardingHandler.class.getName());
    // The reports were consumed: the class itself passes the guard.
    assertThat(NettyLeakGuard.detectLeaks()).isEmpty();
  }

  /** A pipeline whose inner handler copies each read into a buffer it keeps and never releases. */
  private static void leakThroughInnerHandler() {
    EmbeddedChannel channel = new EmbeddedChannel(new HoardingHandler());
    channel.writeInbound(Unpooled.copiedBuffer("leak me", StandardCharsets.US_ASCII));
    channel.finishAndReleaseAll();
  }

  private static final class HoardingHandler extends ChannelInboundHandlerAdapter {
    private final List<ByteBuf> hoard = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        hoard.add(ctx.alloc().buffer(in.readableBytes()).writeBytes(in));
      } finally {
        in.release();
      }
    }
  }
}

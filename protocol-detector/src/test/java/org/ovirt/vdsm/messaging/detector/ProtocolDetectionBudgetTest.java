package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The byte budget holds for any detector, also one that never makes up its mind: the connection is
 * closed once exactly the budget has arrived; and the detectors' names are what the logs show.
 */
class ProtocolDetectionBudgetTest {

  /** Wants {@code bytesNeeded} bytes, then still cannot tell (a badly written detector). */
  private static final class Undecided implements ProtocolDetector {
    private final int bytesNeeded;

    Undecided(int bytesNeeded) {
      this.bytesNeeded = bytesNeeded;
    }

    @Override
    public String name() {
      return "undecided";
    }

    @Override
    public int bytesNeeded() {
      return bytesNeeded;
    }

    @Override
    public Match match(ByteBuf in) {
      return Match.NEED_MORE;
    }

    @Override
    public void install(ChannelPipeline pipeline) {
      throw new AssertionError("never detected");
    }
  }

  private static EmbeddedChannel channel(int budget) {
    DetectionSettings settings =
        new DetectionSettings(
            TlsMode.OFF, null, Duration.ofSeconds(10), Duration.ofSeconds(10), List.of(new Undecided(budget)));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ProtocolDetection.install(ch.pipeline(), settings);
    return ch;
  }

  @Test
  void closesWhenExactlyTheBudgetHasArrivedUndecided() {
    EmbeddedChannel ch = channel(4);
    ch.writeInbound(Unpooled.copiedBuffer("abc", StandardCharsets.ISO_8859_1));
    assertThat(ch.isActive()).as("3 of 4 bytes").isTrue();
    ch.writeInbound(Unpooled.copiedBuffer("d", StandardCharsets.ISO_8859_1));
    assertThat(ch.isActive()).as("4 of 4 bytes").isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void detectorsAreNamedAfterTheirProtocol() {
    assertThat(CommandLineDetector.stomp(p -> {}).name()).isEqualTo("stomp");
    assertThat(CommandLineDetector.http(p -> {}).name()).isEqualTo("http");
    assertThat(CommandLineDetector.stomp(p -> {})).hasToString("stomp");
    assertThat(CommandLineDetector.http(p -> {})).hasToString("http");
  }
}

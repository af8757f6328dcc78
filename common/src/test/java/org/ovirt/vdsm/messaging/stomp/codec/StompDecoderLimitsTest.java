package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

class StompDecoderLimitsTest {

  @Test
  void documentsDefaults() {
    assertThat(StompDecoderLimits.DEFAULTS)
        .isEqualTo(new StompDecoderLimits(8 * 1024, 128, 64 * 1024, 16 * 1024 * 1024));
    assertThat(new StompFrameDecoder().limits()).isSameAs(StompDecoderLimits.DEFAULTS);
  }

  static Stream<Arguments> invalidLimits() {
    StompDecoderLimits d = StompDecoderLimits.DEFAULTS;
    return Stream.of(
        Arguments.of("line shorter than the longest command", (Supplier<?>) () -> d.withMaxLineBytes(10)),
        Arguments.of("no headers", (Supplier<?>) () -> d.withMaxHeaderCount(0)),
        Arguments.of("no header bytes", (Supplier<?>) () -> d.withMaxHeaderBytes(0)),
        Arguments.of("negative body", (Supplier<?>) () -> d.withMaxBodyBytes(-1)),
        Arguments.of("body beyond an array", (Supplier<?>) () -> d.withMaxBodyBytes(Integer.MAX_VALUE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidLimits")
  void refusesInvalidLimit(String name, Supplier<?> limits) {
    assertThatThrownBy(limits::get).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsSmallestLimits() {
    StompDecoderLimits smallest = new StompDecoderLimits(11, 1, 1, 0);
    DecoderRun run =
        DecoderRun.feed(smallest, java.util.List.of(DecoderRun.latin1("UNSUBSCRIBE\n\n\0DISCONNECT\r\n\r\n\0")));
    assertThat(run.events)
        .containsExactly(StompFrame.of(StompCommand.UNSUBSCRIBE), StompFrame.of(StompCommand.DISCONNECT));
  }
}

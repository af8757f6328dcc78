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

  @Test
  void acceptsTheLargestBodyAndRefusesOneMore() {
    StompDecoderLimits largest = StompDecoderLimits.DEFAULTS.withMaxBodyBytes(StompDecoderLimits.MAX_BODY_BYTES);
    assertThat(largest.maxBodyBytes()).isEqualTo(Integer.MAX_VALUE - 16);
    assertThatThrownBy(() -> StompDecoderLimits.DEFAULTS.withMaxBodyBytes(StompDecoderLimits.MAX_BODY_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBodyBytes must be between 0 and 2147483631: 2147483632");
  }

  @Test
  void eachWithReplacesItsOwnLimitOnly() {
    StompDecoderLimits d = StompDecoderLimits.DEFAULTS;
    assertThat(d.withMaxLineBytes(100)).isEqualTo(new StompDecoderLimits(100, 128, 65536, 16777216));
    assertThat(d.withMaxHeaderCount(5)).isEqualTo(new StompDecoderLimits(8192, 5, 65536, 16777216));
    assertThat(d.withMaxHeaderBytes(7)).isEqualTo(new StompDecoderLimits(8192, 128, 7, 16777216));
    assertThat(d.withMaxBodyBytes(9)).isEqualTo(new StompDecoderLimits(8192, 128, 65536, 9));
  }
}

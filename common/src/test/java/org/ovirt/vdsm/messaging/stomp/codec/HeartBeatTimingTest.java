package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeartBeatTimingTest {

  static Stream<Arguments> intervals() {
    return Stream.of(
        Arguments.of("VDSM minimum 1 s", 1_000, 700, 750),
        Arguments.of("engine default 5 s", 5_000, 3_700, 3_750),
        Arguments.of("10 s", 10_000, 7_450, 7_500),
        Arguments.of("400 ms", 400, 250, 300),
        Arguments.of("200 ms: both rules meet", 200, 100, 150),
        Arguments.of("100 ms: half the interval, no margin left", 100, 50, 100),
        Arguments.of("1 ms", 1, 0, 50));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("intervals")
  void sendsAtThreeQuartersMinusATickButNotBeforeHalf(String name, long n, long sendAfter, long worstGap) {
    assertThat(HeartBeatTiming.sendAfterMs(n)).isEqualTo(sendAfter);
    assertThat(HeartBeatTiming.worstCaseGapMs(n)).isEqualTo(worstGap);
  }

  @ParameterizedTest
  @ValueSource(longs = {400, 401, 500, 999, 1_000, 1_001, 5_000, 60_000, 3_600_000})
  void leavesAQuarterOfTheIntervalForALateEventLoopFrom400Ms(long n) {
    assertThat(n - HeartBeatTiming.worstCaseGapMs(n)).isGreaterThanOrEqualTo(n / 4);
    assertThat(HeartBeatTiming.sendAfterMs(n)).isGreaterThanOrEqualTo(n / 2);
  }

  @Test
  void refusesAnIntervalThatIsNotPositive() {
    assertThatThrownBy(() -> HeartBeatTiming.sendAfterMs(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeartBeatTiming.sendAfterMs(-5)).isInstanceOf(IllegalArgumentException.class);
  }
}

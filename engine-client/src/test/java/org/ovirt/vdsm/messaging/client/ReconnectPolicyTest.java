package org.ovirt.vdsm.messaging.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reconnect delay as a pure function: a table of attempts and random draws. */
class ReconnectPolicyTest {
  private static final ReconnectPolicy POLICY =
      new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(1000), 2.0, 0.5, ReconnectPolicy.UNLIMITED);

  @ParameterizedTest(name = "attempt {0}, random {1}: {2} ms")
  @CsvSource({
    // attempt, random, expected ms
    "1, 0.0, 100",
    "1, 0.5, 75",
    "1, 0.999999, 50",
    "2, 0.0, 200",
    "3, 0.0, 400",
    "4, 0.0, 800",
    "5, 0.0, 1000", // capped
    "5, 0.5, 750",
    "40, 0.0, 1000",
    "2147483647, 0.0, 1000", // no overflow
    "2147483647, 0.999999, 500",
  })
  void exponentialWithSubtractiveJitterCappedAtMax(int attempt, double random, long expectedMs) {
    assertThat(POLICY.delay(attempt, random).toMillis()).isEqualTo(expectedMs);
  }

  @ParameterizedTest(name = "jitter {0}, random {1}: {2} ms")
  @CsvSource({
    "0.0, 0.0, 400",
    "0.0, 0.9, 400",
    "1.0, 0.5, 200",
    "0.25, 0.5, 350",
  })
  void jitterSpreadsBelowTheBase(double jitter, double random, long expectedMs) {
    assertThat(POLICY.withJitter(jitter).delay(3, random).toMillis()).isEqualTo(expectedMs);
  }

  @ParameterizedTest(name = "max {0}: attempt {1} allowed {2}")
  @CsvSource({
    "0, 1, false",
    "2, 1, true",
    "2, 2, true",
    "2, 3, false",
    "2147483647, 1000000, true",
    "5, 0, false",
  })
  void attemptsAreLimited(int max, int attempt, boolean allowed) {
    assertThat(POLICY.withMaxAttempts(max).allows(attempt)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "refused: initial {0} ms, max {1} ms, multiplier {2}, jitter {3}, attempts {4}")
  @CsvSource({
    "0, 100, 2.0, 0.5, 1",
    "-1, 100, 2.0, 0.5, 1",
    "200, 100, 2.0, 0.5, 1",
    "100, 200, 0.5, 0.5, 1",
    "100, 200, NaN, 0.5, 1",
    "100, 200, Infinity, 0.5, 1",
    "100, 200, 2.0, -0.1, 1",
    "100, 200, 2.0, 1.1, 1",
    "100, 200, 2.0, NaN, 1",
    "100, 200, 2.0, 0.5, -1",
  })
  void invalidPoliciesAreRefused(long initialMs, long maxMs, double multiplier, double jitter, int attempts) {
    assertThatThrownBy(() -> new ReconnectPolicy(
            Duration.ofMillis(initialMs), Duration.ofMillis(maxMs), multiplier, jitter, attempts))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "refused: attempt {0}, random {1}")
  @CsvSource({"0, 0.5", "-1, 0.5", "1, 1.0", "1, -0.1", "1, NaN"})
  void invalidArgumentsAreRefused(int attempt, double random) {
    assertThatThrownBy(() -> POLICY.delay(attempt, random)).isInstanceOf(IllegalArgumentException.class);
  }
}

package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When to connect again after a connection failed or was lost: exponential backoff with jitter and a
 * limit on consecutive failed attempts.
 *
 * <p>The delay before attempt {@code n} (1 for the first attempt after a loss or failure, counting
 * consecutive failures; a successful session resets the count) is
 *
 * <pre>
 * base(n)  = min(maxDelay, initialDelay * multiplier^(n-1))
 * delay(n) = base(n) * (1 - jitter * r)        r uniform in [0, 1)
 * </pre>
 *
 * so it never exceeds {@code maxDelay} and, with thousands of hosts, reconnects after a common
 * outage are spread over {@code [base * (1 - jitter), base]} instead of arriving all at once.
 * Attempt {@code n} is made only while {@code n <= maxAttempts}; after that the client gives up
 * ({@link HostClient.State#CLOSED}, calls fail with reason {@code GAVE_UP}).
 *
 * @param initialDelay the base delay of the first attempt, positive
 * @param maxDelay the largest delay, at least {@code initialDelay}
 * @param multiplier how much the base grows per attempt, at least 1
 * @param jitter the fraction of the base that is randomized, in [0, 1]
 * @param maxAttempts consecutive failed attempts allowed, 0 for none (never reconnect), {@link
 *     #UNLIMITED} to try for ever
 */
public record ReconnectPolicy(
    Duration initialDelay, Duration maxDelay, double multiplier, double jitter, int maxAttempts) {

  /** {@code maxAttempts} for trying for ever. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /** 0.5 s, doubling up to 30 s, 50 % jitter, for ever: the default. */
  public static final ReconnectPolicy DEFAULT =
      new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5, UNLIMITED);

  /** Never reconnect: the first loss closes the client. */
  public static final ReconnectPolicy NEVER =
      new ReconnectPolicy(Duration.ofMillis(500), Duration.ofMillis(500), 1.0, 0.0, 0);

  public ReconnectPolicy {
    requireNonNull(initialDelay, "initialDelay");
    requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay must be positive: " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must be >= initialDelay: " + maxDelay);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be >= 1 and finite: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
    }
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts must be >= 0: " + maxAttempts);
    }
  }

  /** Exponential backoff from {@code initialDelay} to {@code maxDelay}, doubling, 50 % jitter, for ever. */
  public static ReconnectPolicy exponential(Duration initialDelay, Duration maxDelay) {
    return new ReconnectPolicy(initialDelay, maxDelay, 2.0, 0.5, UNLIMITED);
  }

  /** This policy with another attempt limit. */
  public ReconnectPolicy withMaxAttempts(int attempts) {
    return new ReconnectPolicy(initialDelay, maxDelay, multiplier, jitter, attempts);
  }

  /** This policy with another jitter. */
  public ReconnectPolicy withJitter(double newJitter) {
    return new ReconnectPolicy(initialDelay, maxDelay, multiplier, newJitter, maxAttempts);
  }

  /** Whether attempt {@code attempt} (1-based count of consecutive failures) may be made. */
  public boolean allows(int attempt) {
    return attempt >= 1 && attempt <= maxAttempts;
  }

  /**
   * The delay before attempt {@code attempt}: a pure function of its arguments.
   *
   * @param attempt 1 for the first attempt after a failure, 2 for the next, ...
   * @param random a value in [0, 1), e.g. {@code ThreadLocalRandom.current().nextDouble()}
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
    }
    if (!(random >= 0.0 && random < 1.0)) {
      throw new IllegalArgumentException("random must be in [0, 1): " + random);
    }
    double initialNs = initialDelay.toNanos();
    double maxNs = maxDelay.toNanos();
    double base = initialNs * Math.pow(multiplier, attempt - 1.0);
    if (!(base <= maxNs)) { // also catches overflow to infinity
      base = maxNs;
    }
    return Duration.ofNanos(Math.round(base * (1.0 - jitter * random)));
  }
}

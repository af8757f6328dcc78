package org.ovirt.vdsm.messaging.server.guard;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Server-wide bounds of the host port and the deadlines that go with them.
 *
 * @param maxConnections connections open at once on the port, every protocol counted (default
 *     10,000); one more is closed as soon as it is accepted, with one (rate-limited) log line
 * @param maxConnectionsPerAddress connections open at once from one peer address (default 1,000);
 *     one more is closed as soon as it is accepted, with one (rate-limited) log line
 * @param frameCompletionTimeout how long a STOMP frame may take to arrive once its first byte came
 *     (default 60 s), whatever the heart-beats; past it the peer gets ERROR and is closed
 * @param maxPartialFrameBytes bytes all STOMP connections together may hold in frames not yet
 *     complete (default 256 MiB); the connection whose bytes pass it gets ERROR and is closed
 * @param maxPendingWriteBytes bytes all STOMP connections together may have waiting to be written
 *     (default 1 GiB); a connection whose answer would pass it gets ERROR and is closed
 * @param slowReaderTimeout how long a connection may stay unwritable (more than Netty's high-water
 *     mark of bytes waiting) without a single byte being taken by the peer (default 30 s); past it
 *     the peer gets ERROR "slow consumer" (STOMP) and is closed. A peer that reads, however slowly,
 *     is never cut by this.
 */
public record GuardSettings(
    int maxConnections,
    int maxConnectionsPerAddress,
    Duration frameCompletionTimeout,
    long maxPartialFrameBytes,
    long maxPendingWriteBytes,
    Duration slowReaderTimeout) {

  /** The documented defaults. */
  public static final GuardSettings DEFAULTS =
      new GuardSettings(10_000, 1_000, Duration.ofSeconds(60), 256L << 20, 1L << 30, Duration.ofSeconds(30));

  /**
   * Validates the bounds.
   *
   * @throws IllegalArgumentException when a bound is not positive
   */
  public GuardSettings {
    requireNonNull(frameCompletionTimeout, "frameCompletionTimeout");
    requireNonNull(slowReaderTimeout, "slowReaderTimeout");
    if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxPartialFrameBytes < 1 || maxPendingWriteBytes < 1) {
      throw new IllegalArgumentException("server budgets must be >= 1");
    }
    if (!isPositive(frameCompletionTimeout) || !isPositive(slowReaderTimeout)) {
      throw new IllegalArgumentException("guard deadlines must be positive");
    }
  }

  private static boolean isPositive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /** These settings with other connection limits. */
  public GuardSettings withConnectionLimits(int total, int perAddress) {
    return new GuardSettings(total, perAddress, frameCompletionTimeout, maxPartialFrameBytes, maxPendingWriteBytes, slowReaderTimeout);
  }

  /** These settings with another frame deadline. */
  public GuardSettings withFrameCompletionTimeout(Duration value) {
    return new GuardSettings(maxConnections, maxConnectionsPerAddress, value, maxPartialFrameBytes, maxPendingWriteBytes, slowReaderTimeout);
  }

  /** These settings with other memory budgets. */
  public GuardSettings withMemoryBudgets(long partialFrameBytes, long pendingWriteBytes) {
    return new GuardSettings(maxConnections, maxConnectionsPerAddress, frameCompletionTimeout, partialFrameBytes, pendingWriteBytes, slowReaderTimeout);
  }

  /** These settings with another slow-reader deadline. */
  public GuardSettings withSlowReaderTimeout(Duration value) {
    return new GuardSettings(maxConnections, maxConnectionsPerAddress, frameCompletionTimeout, maxPartialFrameBytes, maxPendingWriteBytes, value);
  }
}

package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.server.guard.GuardSettings;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;

/**
 * STOMP session settings of the host server.
 *
 * @param requestDestinations destinations whose SEND bodies are JSON-RPC requests for this host
 * @param defaultReplyTo where responses go when a request has no {@code reply-to}
 * @param heartBeatGraceFactor a silent peer is dead after this many negotiated receive intervals
 * @param limits frame size limits
 * @param maxPendingWriteBytes bytes that may wait to be written to one connection before broker
 *     messages to it (topic and queue deliveries it did not ask for) are dropped, logged, until it
 *     catches up (default 64 MiB, at least the largest frame body). Answers to its own calls are
 *     never dropped; a peer is cut only when it stops reading, see {@link
 *     GuardSettings#slowReaderTimeout()}
 * @param guards the server-wide budgets, connection limits and deadlines of the port (every
 *     protocol), default {@link GuardSettings#DEFAULTS}
 * @param maxOpenTransactions transactions one session may have open at once (default 16)
 * @param maxTransactionFrames frames one transaction may hold before COMMIT (default 1,000)
 */
public record StompSettings(
    Set<String> requestDestinations,
    String defaultReplyTo,
    double heartBeatGraceFactor,
    StompDecoderLimits limits,
    long maxPendingWriteBytes,
    int maxOpenTransactions,
    int maxTransactionFrames,
    GuardSettings guards) {

  /** VDSM's destination names, the engine's 1.5 heart-beat grace factor, the default limits. */
  public static final StompSettings DEFAULTS =
      new StompSettings(
          Set.of(VdsmDestinations.REQUESTS, VdsmDestinations.IRS_REQUESTS),
          VdsmDestinations.RESPONSES,
          1.5,
          StompDecoderLimits.DEFAULTS,
          64L << 20,
          16,
          1_000,
          GuardSettings.DEFAULTS);

  public StompSettings {
    requestDestinations = Set.copyOf(requireNonNull(requestDestinations, "requestDestinations"));
    requireNonNull(defaultReplyTo, "defaultReplyTo");
    requireNonNull(limits, "limits");
    requireNonNull(guards, "guards");
    if (!(heartBeatGraceFactor >= 1.0)) {
      throw new IllegalArgumentException("heartBeatGraceFactor must be >= 1: " + heartBeatGraceFactor);
    }
    if (maxPendingWriteBytes < limits.maxBodyBytes()) {
      throw new IllegalArgumentException("maxPendingWriteBytes must hold at least one largest frame");
    }
    if (maxOpenTransactions < 0 || maxTransactionFrames < 1) {
      throw new IllegalArgumentException("transaction bounds out of range");
    }
  }

  /** These settings with another outbound limit. */
  public StompSettings withMaxPendingWriteBytes(long bytes) {
    return new StompSettings(
        requestDestinations, defaultReplyTo, heartBeatGraceFactor, limits, bytes, maxOpenTransactions, maxTransactionFrames, guards);
  }

  /** These settings with other frame limits. */
  public StompSettings withLimits(StompDecoderLimits newLimits) {
    return new StompSettings(
        requestDestinations, defaultReplyTo, heartBeatGraceFactor, newLimits, maxPendingWriteBytes, maxOpenTransactions, maxTransactionFrames, guards);
  }

  /** These settings with other server-wide budgets, connection limits and deadlines. */
  public StompSettings withGuards(GuardSettings value) {
    return new StompSettings(
        requestDestinations, defaultReplyTo, heartBeatGraceFactor, limits, maxPendingWriteBytes, maxOpenTransactions, maxTransactionFrames, value);
  }
}

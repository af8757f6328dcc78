package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;

/**
 * STOMP session settings of the host server.
 *
 * @param requestDestinations destinations whose SEND bodies are JSON-RPC requests for this host
 * @param defaultReplyTo where responses go when a request has no {@code reply-to}
 * @param heartBeatGraceFactor a silent peer is dead after this many negotiated receive intervals
 * @param limits frame size limits
 * @param maxPendingWriteBytes bytes that may wait to be written to one connection (responses and
 *     messages it is slow to read); past that it gets ERROR and is closed (default 64 MiB, at
 *     least the largest frame body)
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
    int maxTransactionFrames) {

  /** VDSM's destination names, the engine's 1.5 heart-beat grace factor, the default limits. */
  public static final StompSettings DEFAULTS =
      new StompSettings(
          Set.of(VdsmDestinations.REQUESTS, VdsmDestinations.IRS_REQUESTS),
          VdsmDestinations.RESPONSES,
          1.5,
          StompDecoderLimits.DEFAULTS,
          64L << 20,
          16,
          1_000);

  public StompSettings {
    requestDestinations = Set.copyOf(requireNonNull(requestDestinations, "requestDestinations"));
    requireNonNull(defaultReplyTo, "defaultReplyTo");
    requireNonNull(limits, "limits");
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
        requestDestinations, defaultReplyTo, heartBeatGraceFactor, limits, bytes, maxOpenTransactions, maxTransactionFrames);
  }

  /** These settings with other frame limits. */
  public StompSettings withLimits(StompDecoderLimits newLimits) {
    return new StompSettings(
        requestDestinations, defaultReplyTo, heartBeatGraceFactor, newLimits, maxPendingWriteBytes, maxOpenTransactions, maxTransactionFrames);
  }
}

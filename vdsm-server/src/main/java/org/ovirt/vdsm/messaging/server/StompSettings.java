package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;

/**
 * STOMP session settings of the host server.
 *
 * @param requestDestinations destinations whose SEND bodies are JSON-RPC requests for this host
 * @param defaultReplyTo where responses go when a request has no {@code reply-to}
 * @param heartBeatGraceFactor a silent peer is dead after this many negotiated receive intervals
 * @param limits frame size limits
 */
public record StompSettings(
    Set<String> requestDestinations,
    String defaultReplyTo,
    double heartBeatGraceFactor,
    StompDecoderLimits limits) {

  /** VDS requests (virt/host side). */
  public static final String VDSM_REQUESTS = "jms.topic.vdsm_requests";
  /** IRS requests (storage side). */
  public static final String VDSM_IRS_REQUESTS = "jms.topic.vdsm_irs_requests";
  /** Default response destination. */
  public static final String VDSM_RESPONSES = "jms.topic.vdsm_responses";

  /** VDSM's destination names, the engine's 1.5 heart-beat grace factor, the default limits. */
  public static final StompSettings DEFAULTS =
      new StompSettings(
          Set.of(VDSM_REQUESTS, VDSM_IRS_REQUESTS), VDSM_RESPONSES, 1.5, StompDecoderLimits.DEFAULTS);

  public StompSettings {
    requestDestinations = Set.copyOf(requireNonNull(requestDestinations, "requestDestinations"));
    requireNonNull(defaultReplyTo, "defaultReplyTo");
    requireNonNull(limits, "limits");
    if (!(heartBeatGraceFactor >= 1.0)) {
      throw new IllegalArgumentException("heartBeatGraceFactor must be >= 1: " + heartBeatGraceFactor);
    }
  }
}

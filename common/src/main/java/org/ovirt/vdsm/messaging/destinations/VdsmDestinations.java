package org.ovirt.vdsm.messaging.destinations;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * VDSM's destination names on a direct connection to a host (the defaults of both ends; see the
 * wire contract). VDSM delivers every destination as a topic, {@code jms.queue.*} included.
 */
public final class VdsmDestinations {
  /** Where VDS-side (virt, host) requests are sent. */
  public static final String REQUESTS = "jms.topic.vdsm_requests";
  /** Where IRS-side (storage) requests are sent. */
  public static final String IRS_REQUESTS = "jms.topic.vdsm_irs_requests";
  /** The shared reply-to of VDS-side requests (VDSM's default when a request has none). */
  public static final String RESPONSES = "jms.topic.vdsm_responses";
  /** The shared reply-to of IRS-side requests. */
  public static final String IRS_RESPONSES = "jms.topic.vdsm_irs_responses";
  /** Where a host publishes every event. */
  public static final String EVENTS = "jms.queue.events";
  /** The prefix of the per-subsystem event topics, {@code jms.topic.vdsm.<subsystem>}. */
  public static final String SUBSYSTEM_TOPIC_PREFIX = "jms.topic.vdsm.";

  private VdsmDestinations() {}

  /** The event topic of one subsystem: {@code jms.topic.vdsm.<subsystem>}. */
  public static String subsystemTopic(String subsystem) {
    requireNonNull(subsystem, "subsystem");
    if (subsystem.isEmpty()) {
      throw new IllegalArgumentException("subsystem must not be empty");
    }
    return SUBSYSTEM_TOPIC_PREFIX + subsystem;
  }

  /**
   * A reply destination nobody else uses: {@code <shared>.<random UUID>}. A host delivers each
   * answer to every subscription of the request's {@code reply-to}, so a connection that replies on
   * the shared name also receives the answers of every other connection subscribed there.
   */
  public static String uniqueReplyTo(String shared) {
    requireNonNull(shared, "shared");
    return shared + "." + UUID.randomUUID();
  }
}

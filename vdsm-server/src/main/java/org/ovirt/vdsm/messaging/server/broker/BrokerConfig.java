package org.ovirt.vdsm.messaging.server.broker;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Broker settings.
 *
 * @param queues destinations with queue semantics (each message to one subscriber, round robin,
 *     redelivered when not acknowledged); every other destination is a topic, as in VDSM, whose
 *     defaults ({@code jms.queue.events} included) are all topics
 * @param maxPendingPerQueue messages a queue keeps while it has no subscriber able to take them;
 *     past that, new messages are dropped and logged (default 10,000)
 * @param maxUnackedPerSubscription messages a client-ack subscription may hold unacknowledged;
 *     a queue stops giving it messages and a topic skips it (logged) until it acknowledges
 *     (default 1,000)
 */
public record BrokerConfig(Set<String> queues, int maxPendingPerQueue, int maxUnackedPerSubscription) {

  /** No queues, the default bounds. */
  public static final BrokerConfig DEFAULTS = new BrokerConfig(Set.of(), 10_000, 1_000);

  public BrokerConfig {
    queues = Set.copyOf(requireNonNull(queues, "queues"));
    if (maxPendingPerQueue < 1 || maxUnackedPerSubscription < 1) {
      throw new IllegalArgumentException("broker bounds must be >= 1");
    }
  }

  /** These settings with {@code names} as queues. */
  public BrokerConfig withQueues(Set<String> names) {
    return new BrokerConfig(names, maxPendingPerQueue, maxUnackedPerSubscription);
  }
}

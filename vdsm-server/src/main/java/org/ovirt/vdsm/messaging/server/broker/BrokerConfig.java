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
 * @param maxDestinationChars the longest destination name in a SEND, SUBSCRIBE or {@code reply-to}
 *     (default {@value #DEFAULT_MAX_DESTINATION_CHARS}); a longer one is answered with ERROR naming
 *     the limit, then close
 * @param maxDestinationDepth the most dot-separated parts of a destination name (default {@value
 *     #DEFAULT_MAX_DESTINATION_DEPTH}); routing a message visits each ancestor once, so this bounds
 *     the cost of a SEND; more is answered with ERROR, then close
 * @param maxSubscriptionsPerSession subscriptions one connection may hold at once (default {@value
 *     #DEFAULT_MAX_SUBSCRIPTIONS_PER_SESSION}); one more is answered with ERROR, then close
 */
public record BrokerConfig(
    Set<String> queues,
    int maxPendingPerQueue,
    int maxUnackedPerSubscription,
    int maxDestinationChars,
    int maxDestinationDepth,
    int maxSubscriptionsPerSession) {

  /** Default of {@link #maxDestinationChars()}. */
  public static final int DEFAULT_MAX_DESTINATION_CHARS = 1024;
  /** Default of {@link #maxDestinationDepth()}. */
  public static final int DEFAULT_MAX_DESTINATION_DEPTH = 32;
  /** Default of {@link #maxSubscriptionsPerSession()}. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_SESSION = 1_000;

  /** No queues, the default bounds. */
  public static final BrokerConfig DEFAULTS = new BrokerConfig(Set.of(), 10_000, 1_000);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException when a bound is below 1
   */
  public BrokerConfig {
    queues = Set.copyOf(requireNonNull(queues, "queues"));
    if (maxPendingPerQueue < 1 || maxUnackedPerSubscription < 1 || maxDestinationChars < 1
        || maxDestinationDepth < 1 || maxSubscriptionsPerSession < 1) {
      throw new IllegalArgumentException("broker bounds must be >= 1");
    }
  }

  /** Settings with the default destination and subscription bounds. */
  public BrokerConfig(Set<String> queues, int maxPendingPerQueue, int maxUnackedPerSubscription) {
    this(queues, maxPendingPerQueue, maxUnackedPerSubscription, DEFAULT_MAX_DESTINATION_CHARS,
        DEFAULT_MAX_DESTINATION_DEPTH, DEFAULT_MAX_SUBSCRIPTIONS_PER_SESSION);
  }

  /** These settings with {@code names} as queues. */
  public BrokerConfig withQueues(Set<String> names) {
    return new BrokerConfig(names, maxPendingPerQueue, maxUnackedPerSubscription, maxDestinationChars,
        maxDestinationDepth, maxSubscriptionsPerSession);
  }

  /** These settings with other destination bounds. */
  public BrokerConfig withDestinationBounds(int chars, int depth) {
    return new BrokerConfig(queues, maxPendingPerQueue, maxUnackedPerSubscription, chars, depth, maxSubscriptionsPerSession);
  }

  /** These settings with another bound on subscriptions per connection. */
  public BrokerConfig withMaxSubscriptionsPerSession(int value) {
    return new BrokerConfig(queues, maxPendingPerQueue, maxUnackedPerSubscription, maxDestinationChars, maxDestinationDepth, value);
  }
}

package org.ovirt.vdsm.messaging.destinations;

/**
 * STOMP headers that engines and hosts put on frames travelling through an external broker, beyond
 * the standard ones ({@code destination}, {@code reply-to}, {@code content-length}...).
 *
 * <p>A request carries its deadline twice: {@link #DEADLINE} for the host, which never executes a
 * request whose deadline has passed (it may have sat in a queue while the host was down), and the
 * broker's own expiry where the broker has one ({@link #ARTEMIS_EXPIRES}, {@link #RABBITMQ_EXPIRATION}),
 * so that the broker can drop it without delivering it at all.
 */
public final class BrokerHeaders {
  /**
   * The absolute deadline of a request, in milliseconds since the epoch (UTC), as a decimal integer.
   * Set by the engine on every request SEND; a host drops a request received after it, with a log
   * line, and never executes it.
   */
  public static final String DEADLINE = "vdsm-deadline";

  /** The engine id of the sender of a request (for logs; the reply goes to {@code reply-to}). */
  public static final String ENGINE_ID = "vdsm-engine-id";

  /** The host id of the sender of a reply or event. */
  public static final String HOST_ID = "vdsm-host-id";

  /** ActiveMQ Artemis: absolute expiry in milliseconds since the epoch. */
  public static final String ARTEMIS_EXPIRES = "expires";

  /** RabbitMQ: per-message time to live in milliseconds, relative, as a decimal string. */
  public static final String RABBITMQ_EXPIRATION = "expiration";

  /** The flow id, as real engines send it. */
  public static final String FLOW_ID = "ovirtCorrelationId";

  private BrokerHeaders() {}
}

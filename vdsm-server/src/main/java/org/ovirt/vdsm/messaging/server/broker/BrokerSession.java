package org.ovirt.vdsm.messaging.server.broker;

/**
 * One client connection as the broker sees it: where its subscriptions' messages are written.
 * Implementations hand the frame to their channel and return at once (never block).
 */
public interface BrokerSession {
  /**
   * Delivers {@code message} for {@code subscription}.
   *
   * @param ackId the value of the MESSAGE's {@code ack} header, or {@code null} for ack:auto
   */
  void deliver(Subscription subscription, Message message, String ackId);

  /** A name for logs (the peer address). */
  String name();
}

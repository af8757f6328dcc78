package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import java.util.HashMap;
import java.util.Map;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions of one broker session: the engine's reply queue ({@code ack:auto}, with a
 * receipt) and one {@code <events>H.*} per host whose events are wanted, by subscription id.
 * Event-loop confined; forgotten when the session ends.
 */
final class BrokerSubscriptions {
  private static final Logger log = LoggerFactory.getLogger(BrokerSubscriptions.class);

  /** The subscription id of the reply queue. */
  static final String REPLIES = "replies";

  private final String eventPrefix;
  private final Map<String, BrokerTransport> events = new HashMap<>();
  private long counter;

  BrokerSubscriptions(String eventPrefix) {
    this.eventPrefix = requireNonNull(eventPrefix, "eventPrefix");
  }

  /** Writes SUBSCRIBE of {@code replyTo} asking for receipt {@code receipt} (not flushed). */
  static void subscribeReplies(StompClientSession s, String replyTo, String receipt) {
    s.send(StompFrame.builder(StompCommand.SUBSCRIBE)
        .header(StompHeaders.DESTINATION, replyTo)
        .header(StompHeaders.ID, REPLIES)
        .header(StompHeaders.ACK, "auto")
        .header(StompHeaders.RECEIPT, receipt)
        .build());
  }

  /** Writes SUBSCRIBE of {@code t}'s events (not flushed). */
  void subscribe(StompClientSession s, BrokerTransport t) {
    String id = "events-" + (++counter);
    t.eventSubscription = id;
    events.put(id, t);
    s.subscribe(eventPrefix + t.hostId() + ".*", id);
  }

  /** Writes UNSUBSCRIBE of {@code t}'s events when subscribed ({@code s} may be null: forgets only). */
  boolean unsubscribe(StompClientSession s, BrokerTransport t) {
    String id = t.eventSubscription;
    if (id == null) {
      return false;
    }
    events.remove(id);
    t.eventSubscription = null;
    if (s != null) {
      s.unsubscribe(id);
    }
    return s != null;
  }

  /** Writes UNSUBSCRIBE of everything (not flushed). */
  void unsubscribeAll(StompClientSession s) {
    for (String id : events.keySet()) {
      s.unsubscribe(id);
    }
    s.unsubscribe(REPLIES);
  }

  /**
   * A MESSAGE read from {@code from}: to the reply queue's {@code replies}, or to the transport of
   * its event subscription (by the {@code subscription} header, the first if repeated); others are
   * dropped at DEBUG.
   */
  void dispatch(StompFrame frame, Channel from, BrokerReplies replies) {
    String subscription = frame.header(StompHeaders.SUBSCRIPTION);
    if (REPLIES.equals(subscription)) {
      replies.received(frame.body(), from);
      return;
    }
    BrokerTransport t = subscription == null ? null : events.get(subscription);
    if (t != null) {
      t.events(frame.header(StompHeaders.DESTINATION), frame.body(), from);
    } else {
      log.debug("ignoring MESSAGE for subscription {} ({})", subscription, frame.header(StompHeaders.DESTINATION));
    }
  }

  /** The session ended: no subscription is left. */
  void sessionEnded() {
    for (BrokerTransport t : events.values()) {
      t.eventSubscription = null;
    }
    events.clear();
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;

/**
 * The subscriptions of a direct connection: one reply destination per side and the host's events
 * destination while somebody listens. Reply destinations are chosen anew for every session: by
 * default one of the session's own ({@code jms.topic.vdsm_responses.<uuid>}), else VDSM's shared
 * names. Tells which subscription a MESSAGE belongs to. Confined to the transport's event loop.
 */
final class DirectSubscriptions {
  /** Where a MESSAGE belongs. */
  enum Target { VDS_ANSWERS, IRS_ANSWERS, EVENTS, NONE }

  private final boolean unique;
  private final Map<Side, String> ids = new EnumMap<>(Side.class);
  private final Map<Side, String> replyTo = new EnumMap<>(Side.class);
  private final String eventsId = UUID.randomUUID().toString();
  private boolean eventsSubscribed;

  /** @param unique whether each session replies on destinations of its own */
  DirectSubscriptions(boolean unique) {
    this.unique = unique;
    for (Side side : Side.values()) {
      ids.put(side, UUID.randomUUID().toString());
      replyTo.put(side, side.sharedResponses());
    }
  }

  /** The reply-to of {@code side}'s requests on the current session. */
  String replyTo(Side side) {
    return replyTo.get(side);
  }

  /** Writes the SUBSCRIBEs of a new session (not flushed): both reply destinations, events if wanted. */
  void subscribe(StompClientSession session, boolean eventsWanted) {
    for (Side side : Side.values()) {
      String destination = unique ? VdsmDestinations.uniqueReplyTo(side.sharedResponses()) : side.sharedResponses();
      replyTo.put(side, destination);
      session.subscribe(destination, ids.get(side));
    }
    eventsSubscribed = eventsWanted;
    if (eventsWanted) {
      session.subscribe(VdsmDestinations.EVENTS, eventsId);
    }
  }

  /** (Un)subscribes the events destination when that changes what is subscribed; true when it wrote. */
  boolean syncEvents(StompClientSession session, boolean wanted) {
    if (wanted == eventsSubscribed) {
      return false;
    }
    if (wanted) {
      session.subscribe(VdsmDestinations.EVENTS, eventsId);
    } else {
      session.unsubscribe(eventsId);
    }
    eventsSubscribed = wanted;
    return true;
  }

  /** Writes an UNSUBSCRIBE for every subscription of the session (not flushed). */
  void unsubscribeAll(StompClientSession session) {
    for (Side side : Side.values()) {
      session.unsubscribe(ids.get(side));
    }
    if (eventsSubscribed) {
      session.unsubscribe(eventsId);
    }
  }

  /** The session is gone: nothing is subscribed. */
  void sessionEnded() {
    eventsSubscribed = false;
  }

  /**
   * Where {@code message} belongs: by its {@code subscription} header, or by its destination when a
   * peer leaves the header out.
   */
  Target targetOf(StompFrame message) {
    String subscription = message.header(StompHeaders.SUBSCRIPTION);
    String destination = message.header(StompHeaders.DESTINATION);
    for (Side side : Side.values()) {
      if (ids.get(side).equals(subscription) || (subscription == null && replyTo.get(side).equals(destination))) {
        return side == Side.VDS ? Target.VDS_ANSWERS : Target.IRS_ANSWERS;
      }
    }
    if (eventsId.equals(subscription) || (subscription == null && VdsmDestinations.EVENTS.equals(destination))) {
      return Target.EVENTS;
    }
    return Target.NONE;
  }
}

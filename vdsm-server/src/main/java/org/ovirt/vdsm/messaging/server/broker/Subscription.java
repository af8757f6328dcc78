package org.ovirt.vdsm.messaging.server.broker;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/**
 * A subscription of one session to one destination, with its acknowledgement state: the messages
 * delivered and not yet acknowledged, in delivery order. Guarded by the broker's lock.
 */
public final class Subscription {
  private final BrokerSession session;
  private final String id;
  private final String destination;
  private final AckMode ackMode;
  private final LinkedHashMap<String, Message> unacked = new LinkedHashMap<>();

  Subscription(BrokerSession session, String id, String destination, AckMode ackMode) {
    this.session = requireNonNull(session, "session");
    this.id = requireNonNull(id, "id");
    this.destination = requireNonNull(destination, "destination");
    this.ackMode = requireNonNull(ackMode, "ackMode");
  }

  public BrokerSession session() {
    return session;
  }

  public String id() {
    return id;
  }

  public String destination() {
    return destination;
  }

  public AckMode ackMode() {
    return ackMode;
  }

  int unackedCount() {
    return unacked.size();
  }

  void delivered(String ackId, Message message) {
    unacked.put(ackId, message);
  }

  boolean holds(String ackId) {
    return unacked.containsKey(ackId);
  }

  /**
   * Removes what an ACK or NACK of {@code ackId} settles: that message alone for
   * client-individual, that one and every earlier one for client (STOMP 1.2, SUBSCRIBE ack header).
   */
  List<Message> settle(String ackId) {
    List<Message> settled = new ArrayList<>();
    if (ackMode == AckMode.CLIENT_INDIVIDUAL) {
      Message m = unacked.remove(ackId);
      if (m != null) {
        settled.add(m);
      }
      return settled;
    }
    if (!unacked.containsKey(ackId)) {
      return settled;
    }
    for (Iterator<Map.Entry<String, Message>> it = unacked.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Message> e = it.next();
      settled.add(e.getValue());
      it.remove();
      if (e.getKey().equals(ackId)) {
        break;
      }
    }
    return settled;
  }

  /** Removes and returns every unacknowledged message (unsubscribe, disconnect). */
  List<Message> drainUnacked() {
    List<Message> all = new ArrayList<>(unacked.values());
    unacked.clear();
    return all;
  }

  @Override
  public String toString() {
    return session.name() + "/" + id + "->" + destination + "(" + ackMode.header() + ")";
  }
}

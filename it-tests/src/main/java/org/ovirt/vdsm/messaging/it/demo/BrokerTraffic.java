package org.ovirt.vdsm.messaging.it.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * What an embedded Artemis node saw sent, for the demo to show what went where: an Artemis broker
 * plugin that records each message as it arrives (before it is routed, so before any consumer has
 * it) with its destination and the connection it came from (the certificate's user and the
 * client's TCP port). Holds at most {@value #CAPACITY} records; later ones are dropped until
 * {@link #drain()} empties it.
 */
public final class BrokerTraffic implements ActiveMQServerMessagePlugin {
  static final int CAPACITY = 10_000;

  /**
   * One message sent to the broker.
   *
   * @param destination the STOMP destination ({@code /queue/...} for anycast, {@code /topic/...}
   *     for multicast)
   * @param user the user the sender logged in as (its certificate's CN), or {@code ?}
   * @param senderPort the sender's TCP port on loopback, or -1 if unknown
   */
  public record Send(String destination, String user, int senderPort) {}

  private final BlockingQueue<Send> sends = new ArrayBlockingQueue<>(CAPACITY);

  @Override
  public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
      boolean noAutoCreateQueue) {
    String user = session.getValidatedUser() == null ? "?" : session.getValidatedUser();
    int port = session.getRemotingConnection() == null ? -1 : port(session.getRemotingConnection().getRemoteAddress());
    sends.offer(new Send(destination(message), user, port));
  }

  /** The messages recorded since the last call, in the order they arrived. */
  public List<Send> drain() {
    List<Send> out = new ArrayList<>();
    sends.drainTo(out);
    return out;
  }

  private static String destination(Message message) {
    String address = String.valueOf(message.getAddress());
    RoutingType type = message.getRoutingType();
    if (type == RoutingType.ANYCAST) {
      return "/queue/" + address;
    }
    return type == RoutingType.MULTICAST ? "/topic/" + address : address;
  }

  /** The port of a remote address such as {@code /127.0.0.1:40123}, or -1. */
  static int port(String remoteAddress) {
    if (remoteAddress == null) {
      return -1;
    }
    int colon = remoteAddress.lastIndexOf(':');
    try {
      return colon < 0 ? -1 : Integer.parseInt(remoteAddress.substring(colon + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

/**
 * A RabbitMQ user of the virtual host {@code /} without a password (it logs in by its client
 * certificate, whose CN is the user name), with RabbitMQ's three permission regular expressions
 * over resource names (queues and exchanges).
 *
 * @param name the user name, equal to the certificate CN
 * @param configure the resources the user may declare or delete
 * @param write the resources the user may publish to (exchanges) or bind (queues)
 * @param read the resources the user may consume from (queues) or bind from (exchanges)
 */
public record RabbitMqUser(String name, String configure, String write, String read) {

  /** Requires every component. */
  public RabbitMqUser {
    requireNonNull(name, "name");
    requireNonNull(configure, "configure");
    requireNonNull(write, "write");
    requireNonNull(read, "read");
  }

  /** A user allowed everything on {@code /} (the engine). */
  public static RabbitMqUser unrestricted(String name) {
    return new RabbitMqUser(name, ".*", ".*", ".*");
  }

  /**
   * A VDSM host: it may declare and consume only its own request queues ({@code
   * vdsm.requests.<hostId>.*}), declare reply queues and publish through the default exchange
   * (replies) and {@code amq.topic} (events). Another host's requests are refused to it.
   */
  public static RabbitMqUser vdsmHost(String hostId) {
    String own = "vdsm\\.requests\\." + java.util.regex.Pattern.quote(hostId) + "\\..*";
    return new RabbitMqUser(
        hostId, "^(" + own + "|vdsm\\.replies\\..*)$", "^amq\\.(default|topic)$", "^" + own + "$");
  }
}

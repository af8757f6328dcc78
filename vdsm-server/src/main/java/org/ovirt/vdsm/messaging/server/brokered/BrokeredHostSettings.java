package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * How a host serves through an external broker.
 *
 * @param urls the brokers, tried in this order on (re)connect: the nodes of one cluster
 * @param hostId this host's id (one name part: letters, digits, {@code -}, {@code _})
 * @param subsystems the subsystems served, in {@link Subsystem} order (virt, storage, network, host)
 * @param destinations the destination layout
 * @param heartBeat the heart-beat offered in CONNECT (never {@code 0,0})
 * @param connectTimeout bound of the TCP connect, TLS handshake and CONNECTED each
 * @param minBackoff the first reconnect delay
 * @param maxBackoff the largest reconnect delay (before jitter)
 */
public record BrokeredHostSettings(
    List<BrokerUrl> urls,
    String hostId,
    Set<Subsystem> subsystems,
    BrokerDestinations destinations,
    HeartBeat heartBeat,
    Duration connectTimeout,
    Duration minBackoff,
    Duration maxBackoff) {

  /** The default heart-beat: 5 s both ways (brokers close silent clients; see broker-integration.md). */
  public static final HeartBeat DEFAULT_HEART_BEAT = new HeartBeat(5000, 5000);

  public BrokeredHostSettings {
    urls = List.copyOf(requireNonNull(urls, "urls"));
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one broker URL is needed");
    }
    BrokerDestinations.checkId(hostId, "hostId");
    requireNonNull(subsystems, "subsystems");
    if (subsystems.isEmpty()) {
      throw new IllegalArgumentException("at least one subsystem must be served");
    }
    subsystems = java.util.Collections.unmodifiableSet(EnumSet.copyOf(subsystems));
    requireNonNull(destinations, "destinations");
    requireNonNull(heartBeat, "heartBeat");
    if (heartBeat.sendMs() <= 0 || heartBeat.receiveMs() <= 0) {
      throw new IllegalArgumentException("heart-beats are always on through a broker: " + heartBeat.format());
    }
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(minBackoff, "minBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff");
    }
  }

  /** Defaults for everything but the URLs, host id and subsystems. */
  public static BrokeredHostSettings of(List<BrokerUrl> urls, String hostId, Set<Subsystem> subsystems) {
    return new BrokeredHostSettings(urls, hostId, subsystems, BrokerDestinations.DEFAULTS, DEFAULT_HEART_BEAT,
        Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  /** These settings with other reconnect delays. */
  public BrokeredHostSettings withBackoff(Duration min, Duration max) {
    return new BrokeredHostSettings(urls, hostId, subsystems, destinations, heartBeat, connectTimeout, min, max);
  }

  /**
   * Parses a comma-separated subsystem list ({@code virt,storage,network,host}, any order, no
   * duplicates).
   *
   * @throws IllegalArgumentException on an unknown or repeated name, or an empty list
   */
  public static Set<Subsystem> parseSubsystems(String list) {
    requireNonNull(list, "list");
    Set<Subsystem> parsed = EnumSet.noneOf(Subsystem.class);
    for (String part : list.split(",", -1)) {
      String name = part.strip();
      Subsystem s = Subsystem.byWireName(name).orElseThrow(() -> new IllegalArgumentException(
          "unknown subsystem '" + name + "' (expected virt, storage, network or host)"));
      if (!parsed.add(s)) {
        throw new IllegalArgumentException("subsystem listed twice: " + name);
      }
    }
    return parsed;
  }

  /** The served subsystems comma-separated in the fixed order virt, storage, network, host. */
  public String subsystemList() {
    List<String> names = new ArrayList<>();
    for (Subsystem s : subsystems) {
      names.add(s.wireName());
    }
    return String.join(",", names);
  }
}

package org.ovirt.vdsm.messaging.destinations;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.schema.Subsystem;

/**
 * The destination layout of engines and hosts on an external broker (Artemis, RabbitMQ), portable
 * across both: requests for host H, subsystem S on the queue {@code <requests>H.S} (competing
 * consumers), replies to engine E on the queue {@code <replies>E}, events of host H, subsystem S on
 * the topic {@code <events>H.S}. With the default prefixes: {@code /queue/vdsm.requests.H.S},
 * {@code /queue/vdsm.replies.E}, {@code /topic/vdsm.events.H.S}.
 *
 * <p>Host and engine ids are one name part each: non-empty, made of letters, digits, {@code -} and
 * {@code _} only, so that no id can reach into another's destinations through a dot or a broker
 * wildcard ({@code *}, {@code #}, {@code >}).
 *
 * @param requestPrefix prepended to {@code H.S} for requests
 * @param replyPrefix prepended to {@code E} for replies
 * @param eventPrefix prepended to {@code H.S} for events
 */
public record BrokerDestinations(String requestPrefix, String replyPrefix, String eventPrefix) {
  /** {@code /queue/vdsm.requests.}, {@code /queue/vdsm.replies.}, {@code /topic/vdsm.events.}. */
  public static final BrokerDestinations DEFAULTS =
      new BrokerDestinations("/queue/vdsm.requests.", "/queue/vdsm.replies.", "/topic/vdsm.events.");

  public BrokerDestinations {
    requireNonNull(requestPrefix, "requestPrefix");
    requireNonNull(replyPrefix, "replyPrefix");
    requireNonNull(eventPrefix, "eventPrefix");
    if (requestPrefix.isEmpty() || replyPrefix.isEmpty() || eventPrefix.isEmpty()) {
      throw new IllegalArgumentException("destination prefixes must not be empty");
    }
  }

  /** Where requests for {@code subsystem} of host {@code hostId} are sent. */
  public String requests(String hostId, Subsystem subsystem) {
    requireNonNull(subsystem, "subsystem");
    return requestPrefix + checkId(hostId, "hostId") + "." + subsystem.wireName();
  }

  /** Where the replies to engine {@code engineId} are sent (its requests' {@code reply-to}). */
  public String replies(String engineId) {
    return replyPrefix + checkId(engineId, "engineId");
  }

  /** Where host {@code hostId} publishes the events of {@code subsystem}. */
  public String events(String hostId, Subsystem subsystem) {
    requireNonNull(subsystem, "subsystem");
    return eventPrefix + checkId(hostId, "hostId") + "." + subsystem.wireName();
  }

  /**
   * {@code id} when it is a valid host or engine id.
   *
   * @throws IllegalArgumentException when it is empty or has a character other than letters,
   *     digits, {@code -} and {@code _}
   */
  public static String checkId(String id, String what) {
    requireNonNull(id, what);
    if (id.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw new IllegalArgumentException(what + " may hold only letters, digits, '-' and '_': " + id);
      }
    }
    return id;
  }
}

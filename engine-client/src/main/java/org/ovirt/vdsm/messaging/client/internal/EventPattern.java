package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.client.HostEvent;

/**
 * An event subscription pattern of the engine, {@code receiver|subsystem|event|id}, where {@code *}
 * matches any one part and any other part must be equal. Rules:
 *
 * <ul>
 *   <li>exactly four parts, none empty; {@code *} only as a whole part ({@code VM_*} is refused);
 *   <li>the receiver is {@code *} or exactly the host the client connected to (never a prefix:
 *       {@code 10.0.0.1} does not match {@code 10.0.0.10});
 *   <li>{@code *|*|*|*} is refused, as the engine refuses it.
 * </ul>
 *
 * @param text the pattern as given
 */
public record EventPattern(String text, String receiver, String subsystem, String event, String id) {
  /** The wildcard: any one part. */
  public static final String ANY = "*";

  /** Checks that no part is null (parts are validated by {@link #parse}). */
  public EventPattern {
    requireNonNull(text, "text");
    requireNonNull(receiver, "receiver");
    requireNonNull(subsystem, "subsystem");
    requireNonNull(event, "event");
    requireNonNull(id, "id");
  }

  /**
   * Parses {@code pattern} for a client of {@code host}.
   *
   * @throws IllegalArgumentException when the pattern breaks a rule above
   */
  public static EventPattern parse(String pattern, String host) {
    requireNonNull(pattern, "pattern");
    requireNonNull(host, "host");
    String[] parts = pattern.split("\\|", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "an event pattern is receiver|subsystem|event|id, got '" + pattern + "'");
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException("empty part in event pattern '" + pattern + "'");
      }
      if (part.contains(ANY) && !part.equals(ANY)) {
        throw new IllegalArgumentException(
            "'*' matches a whole part only, got '" + part + "' in '" + pattern + "'");
      }
    }
    if (ANY.equals(parts[0]) && ANY.equals(parts[1]) && ANY.equals(parts[2]) && ANY.equals(parts[3])) {
      throw new IllegalArgumentException("the pattern *|*|*|* is too broad and is refused");
    }
    if (!ANY.equals(parts[0]) && !parts[0].equals(host)) {
      throw new IllegalArgumentException(
          "receiver '" + parts[0] + "' is not this client's host '" + host + "' (use it or *)");
    }
    return new EventPattern(pattern, parts[0], parts[1], parts[2], parts[3]);
  }

  /** Whether {@code event} matches. */
  public boolean matches(HostEvent e) {
    return part(receiver, e.receiver())
        && part(subsystem, e.subsystem())
        && part(event, e.name())
        && part(id, e.objectId());
  }

  private static boolean part(String pattern, String value) {
    return ANY.equals(pattern) || pattern.equals(value);
  }
}

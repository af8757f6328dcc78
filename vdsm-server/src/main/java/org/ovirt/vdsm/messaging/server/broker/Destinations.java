package org.ovirt.vdsm.messaging.server.broker;

import static java.util.Objects.requireNonNull;

/** Destination name rules shared by the broker and the sessions. */
public final class Destinations {
  private Destinations() {}

  /**
   * Whether a subscription to {@code subscribed} receives what is sent to {@code sentTo}: the same
   * name, or a dot-separated ancestor of it ({@code jms.topic} receives {@code jms.topic.vdsm_requests},
   * {@code jms.top} does not).
   */
  public static boolean covers(String subscribed, String sentTo) {
    requireNonNull(subscribed, "subscribed");
    requireNonNull(sentTo, "sentTo");
    return sentTo.equals(subscribed)
        || sentTo.length() > subscribed.length()
            && sentTo.startsWith(subscribed)
            && sentTo.charAt(subscribed.length()) == '.';
  }
}

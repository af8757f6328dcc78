package org.ovirt.vdsm.messaging.it.broker;

import java.util.Set;

/**
 * What Artemis 2.57 adds to a MESSAGE it delivers over STOMP to an {@code ack:auto} subscription
 * (measured by the tests); {@code receipt} is the SEND's receipt header, copied. A {@code
 * client}/{@code client-individual} subscription also gets {@code ack}.
 */
final class ArtemisHeaders {
  static final Set<String> ADDED =
      Set.of(
          "subscription",
          "content-length",
          "message-id",
          "expires",
          "redelivered",
          "priority",
          "persistent",
          "timestamp",
          "destination-type",
          "receipt");

  private ArtemisHeaders() {}
}

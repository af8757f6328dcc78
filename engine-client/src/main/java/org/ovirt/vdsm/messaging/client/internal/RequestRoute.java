package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.schema.Subsystem;

/**
 * Where a transport sends a call: the side it was made on and, for transports that address
 * subsystems (a broker's {@code /queue/vdsm.requests.H.S}), its subsystem. Calls of one message
 * share one route; a batch whose calls have different routes is split into one message per route.
 *
 * @param side the side the call was made on
 * @param subsystem the method's subsystem, or {@code null} when the transport does not route by it
 */
public record RequestRoute(Side side, Subsystem subsystem) {
  public RequestRoute {
    requireNonNull(side, "side");
  }
}

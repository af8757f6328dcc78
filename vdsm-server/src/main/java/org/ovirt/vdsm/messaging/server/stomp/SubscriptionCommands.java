package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.ovirt.vdsm.messaging.server.broker.AckMode;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.BrokerLimitException;
import org.ovirt.vdsm.messaging.server.broker.BrokerSession;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE, UNSUBSCRIBE, ACK and NACK of one session, checked and handed to the {@link Broker}.
 * Each returns the ERROR to close the connection with, or nothing when done (the caller then
 * sends the receipt asked for). Liberal where peers deviate: UNSUBSCRIBE of an unknown id, and ACK
 * or NACK that settle nothing, are logged and answered as done.
 */
final class SubscriptionCommands {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionCommands.class);

  private final Broker broker;
  private final BrokerSession session;

  SubscriptionCommands(Broker broker, BrokerSession session) {
    this.broker = requireNonNull(broker, "broker");
    this.session = requireNonNull(session, "session");
  }

  /** SUBSCRIBE: {@code id} and {@code destination} required, {@code ack} auto, client or client-individual. */
  Optional<StompFrame> subscribe(StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    String destination = frame.header(StompHeaders.DESTINATION);
    if (id == null || destination == null || destination.isEmpty()) {
      return error(frame, "malformed SUBSCRIBE", "SUBSCRIBE needs id and destination headers.");
    }
    Optional<AckMode> ack = AckMode.parse(frame.header(StompHeaders.ACK));
    if (ack.isEmpty()) {
      return error(frame, "invalid ack mode",
          "ack must be auto, client or client-individual, not " + frame.header(StompHeaders.ACK));
    }
    try {
      broker.subscribe(session, id, destination, ack.get());
    } catch (IllegalArgumentException e) {
      return error(frame, "duplicate subscription id", e.getMessage());
    } catch (BrokerLimitException e) {
      return error(frame, "subscription refused", e.getMessage());
    }
    return Optional.empty();
  }

  /** UNSUBSCRIBE: {@code id} required. */
  Optional<StompFrame> unsubscribe(StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    if (id == null) {
      return error(frame, "malformed UNSUBSCRIBE", "UNSUBSCRIBE needs an id header.");
    }
    if (!broker.unsubscribe(session, id)) {
      log.debug("{}: UNSUBSCRIBE of unknown subscription {}", session.name(), id);
    }
    return Optional.empty();
  }

  /** ACK or NACK: {@code id} required. */
  Optional<StompFrame> acknowledge(StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    if (id == null) {
      return error(frame, "malformed " + frame.command(), frame.command() + " needs an id header.");
    }
    boolean known = frame.command() == StompCommand.ACK ? broker.ack(session, id) : broker.nack(session, id);
    if (!known) {
      // ack:auto deliveries and repeated acknowledgements: nothing is pending, nothing to do.
      log.debug("{}: {} of {} settles nothing", session.name(), frame.command(), id);
    }
    return Optional.empty();
  }

  private static Optional<StompFrame> error(StompFrame cause, String message, String detail) {
    return Optional.of(ServerFrames.error(cause, message, detail).build());
  }
}

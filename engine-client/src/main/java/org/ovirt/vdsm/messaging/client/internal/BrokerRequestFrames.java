package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * Makes the SEND frame of a request through a broker: to {@code <requests>H.S} of the request's
 * host and subsystem, {@code reply-to} the engine's reply queue, the deadline as {@link
 * BrokerHeaders#DEADLINE} (absolute epoch ms) and as the brokers' own expiry (Artemis {@code
 * expires}, absolute; RabbitMQ {@code expiration}, relative ms), the engine id and the flow id.
 * The deadline of a message is the latest of its calls' (a batch may mix timeouts; the host must
 * not drop calls still waited for).
 *
 * @param destinations the layout
 * @param replyTo the engine's reply destination
 * @param engineId the engine id sent with each request
 */
public record BrokerRequestFrames(BrokerDestinations destinations, String replyTo, String engineId) {
  public BrokerRequestFrames {
    requireNonNull(destinations, "destinations");
    requireNonNull(replyTo, "replyTo");
    requireNonNull(engineId, "engineId");
  }

  /**
   * The SEND of {@code request} to host {@code hostId} at time {@code nowMs}.
   *
   * @throws IllegalArgumentException when the request's route has no subsystem
   */
  public StompFrame send(String hostId, OutgoingRequest request, long nowMs) {
    requireNonNull(request, "request");
    if (request.route().subsystem() == null) {
      throw new IllegalArgumentException("a request through a broker needs a subsystem");
    }
    long remaining = Math.max(1, remainingMs(request));
    StompFrame.Builder frame = StompFrame.builder(StompCommand.SEND)
        .header(StompHeaders.DESTINATION, destinations.requests(hostId, request.route().subsystem()))
        .header(StompHeaders.REPLY_TO, replyTo)
        .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON)
        .header(BrokerHeaders.DEADLINE, Long.toString(nowMs + remaining))
        .header(BrokerHeaders.ARTEMIS_EXPIRES, Long.toString(nowMs + remaining))
        .header(BrokerHeaders.RABBITMQ_EXPIRATION, Long.toString(remaining))
        .header(BrokerHeaders.ENGINE_ID, engineId);
    if (request.flowId() != null) {
      frame.header(BrokerHeaders.FLOW_ID, request.flowId());
    }
    return frame.body(request.body()).build();
  }

  /** How long the latest unsettled call of {@code request} still waits, by its deadline. */
  static long remainingMs(OutgoingRequest request) {
    long latest = 0;
    for (OutgoingRequest.Call call : request.calls) {
      if (call.future.isDone()) {
        continue;
      }
      long left = TimeUnit.NANOSECONDS.toMillis(call.deadlineNanos - System.nanoTime());
      latest = Math.max(latest, Math.max(0, left));
    }
    return latest;
  }
}

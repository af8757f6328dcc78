package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests a {@link BrokeredHost} takes from its broker, each bounded by its own deadline ({@link
 * BrokerHeaders#DEADLINE}, absolute, milliseconds since the epoch): a request whose deadline has
 * passed when it arrives is dropped with a (rate-limited) log line and never executed; otherwise its
 * calls run bounded by the earlier of the time it has left and the server's request timeout (a call
 * still queued or running then is answered -32000 and cancelled); an answer ready after the deadline
 * is dropped (the engine has failed that call). A request without the header runs under the
 * server's request timeout alone.
 */
final class BrokeredRequests {
  private static final Logger log = LoggerFactory.getLogger(BrokeredRequests.class);

  /** Sends an answer body to a reply destination on the broker connection; must not block. */
  @FunctionalInterface
  interface AnswerSender {
    void send(String replyTo, byte[] answer);
  }

  private final RpcEndpoint endpoint;
  private final AnswerSender sender;
  private final LongSupplier clock;
  private final RateLimitedLog expired = new RateLimitedLog(log, 1, Duration.ofSeconds(10));
  private final RateLimitedLog dropped = new RateLimitedLog(log, 1, Duration.ofSeconds(10));

  /**
   * @param endpoint runs the calls
   * @param sender sends the answers
   * @param clock the wall clock in milliseconds since the epoch (deadlines are absolute)
   */
  BrokeredRequests(RpcEndpoint endpoint, AnswerSender sender, LongSupplier clock) {
    this.endpoint = requireNonNull(endpoint, "endpoint");
    this.sender = requireNonNull(sender, "sender");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Handles one MESSAGE taken from a request queue. */
  void onRequest(StompFrame frame) {
    long deadline = deadlineOf(frame);
    String flowId = frame.header(StompHeaders.OVIRT_CORRELATION_ID);
    String replyTo = frame.header(StompHeaders.REPLY_TO);
    if (deadline == 0) {
      endpoint.handle(frame.body(), flowId, answer -> reply(replyTo, 0, answer));
      return;
    }
    long left = deadline - clock.getAsLong();
    if (left <= 0) {
      expired.warn("dropped a request to {} whose deadline passed {} ms ago, not executed (flow id {})",
          frame.header(StompHeaders.DESTINATION), -left, flowId);
      return;
    }
    endpoint.handle(frame.body(), flowId, Duration.ofMillis(left), answer -> reply(replyTo, deadline, answer));
  }

  /** The request's {@link BrokerHeaders#DEADLINE}, or 0 when it has none (or a malformed one). */
  static long deadlineOf(StompFrame frame) {
    String value = frame.header(BrokerHeaders.DEADLINE);
    if (value == null) {
      return 0;
    }
    try {
      long deadline = Long.parseLong(value.strip());
      return Math.max(deadline, 0);
    } catch (NumberFormatException e) {
      log.debug("ignoring a malformed {} header: {}", BrokerHeaders.DEADLINE, value);
      return 0;
    }
  }

  private void reply(String replyTo, long deadline, byte[] answer) {
    if (replyTo == null) {
      dropped.warn("dropped an answer: the request had no reply-to");
      return;
    }
    if (deadline > 0 && clock.getAsLong() > deadline) {
      dropped.warn("dropped an answer to {} computed after the request's deadline", replyTo);
      return;
    }
    sender.send(replyTo, answer);
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's reply queue on a broker: remembers which host's transport wrote each request id
 * ({@link ReplyDemux}) and hands each MESSAGE body of the queue to that transport, parsing it on a
 * {@link SerialLane} of the worker pool (reading pauses while too many bytes wait), never on the
 * event loop. A body for no call of this engine is logged and dropped.
 */
final class BrokerReplies {
  private static final Logger log = LoggerFactory.getLogger(BrokerReplies.class);

  private final String name;
  private final String replyTo;
  private final ReplyDemux<BrokerTransport> demux = new ReplyDemux<>();
  private final SerialLane lane;

  BrokerReplies(String name, String replyTo, ClientContext ctx) {
    this.name = requireNonNull(name, "name");
    this.replyTo = requireNonNull(replyTo, "replyTo");
    this.lane = new SerialLane(name + " replies", ctx.workers(), ctx.parseBacklogBytes());
  }

  /** The calls of {@code request} of {@code owner} are being written: their answers go to it. */
  void expect(BrokerTransport owner, OutgoingRequest request) {
    for (OutgoingRequest.Call call : request.calls) {
      demux.register(call.id, owner, request.route().side());
      call.future.whenComplete((result, failure) -> demux.settled(call.id));
    }
  }

  /** {@code owner} closed: nothing more goes to it. */
  void forget(BrokerTransport owner) {
    demux.forget(owner);
  }

  /** How many calls wait for an answer. */
  int inFlight() {
    return demux.activeCount();
  }

  /** On the loop: a MESSAGE body of the reply queue, read from {@code from}. */
  void received(byte[] body, Channel from) {
    lane.executeFrame(() -> demultiplex(body, from), body.length, from);
  }

  private void demultiplex(byte[] body, Channel from) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    Optional<ReplyDemux.Route<BrokerTransport>> route = demux.routeOf(payload);
    if (route.isEmpty()) {
      log.warn("{}: an answer on {} for no call of this engine (its call long gone, or not ours): {}",
          name, replyTo, new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
      return;
    }
    route.get().owner().answers(route.get().side(), replyTo, body, from);
  }
}

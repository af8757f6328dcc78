package org.ovirt.vdsm.messaging.server.events;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * Publishes host events through the broker as JSON-RPC notifications: method {@code
 * |<subsystem>|<event>|<objectId>}, params with {@code notify_time} (milliseconds of the monotonic
 * clock, as VDSM sends), to {@code jms.queue.events} (what engines subscribe to) and to the
 * subsystem's own topic {@code jms.topic.vdsm.<subsystem>}.
 */
public final class BrokerEventSink implements EventSink {
  private final Broker broker;

  public BrokerEventSink(Broker broker) {
    this.broker = requireNonNull(broker, "broker");
  }

  @Override
  public void publish(String subsystem, String event, String objectId, JsonObject params) {
    requireNonNull(subsystem, "subsystem");
    requireNonNull(event, "event");
    requireNonNull(objectId, "objectId");
    JsonObject withTime = params == null ? new JsonObject() : params.deepCopy();
    withTime.addProperty("notify_time", notifyTime());
    String method = "|" + subsystem + "|" + event + "|" + objectId;
    byte[] body = JsonRpcCodec.encode(new JsonRpcNotification(method, withTime));
    broker.publish(VdsmDestinations.EVENTS, StompHeaders.APPLICATION_JSON, body);
    broker.publish(VdsmDestinations.subsystemTopic(subsystem), StompHeaders.APPLICATION_JSON, body);
  }

  /** Milliseconds of the monotonic clock (on Linux, since boot, like VDSM's). */
  static long notifyTime() {
    return System.nanoTime() / 1_000_000L;
  }
}

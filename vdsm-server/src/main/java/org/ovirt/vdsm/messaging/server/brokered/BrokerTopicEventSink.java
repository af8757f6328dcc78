package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import java.util.Map;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.events.EventSink;

/**
 * Publishes host events on the external broker's event topic of their subsystem ({@code
 * /topic/vdsm.events.<host>.<subsystem>}), as the same JSON-RPC notifications direct mode sends,
 * and hands each event to a second sink too (the internal broker, for direct subscribers, when the
 * host also serves direct connections). The backend's event subsystems map onto the request
 * subsystems: {@code virt} to virt, {@code net} to network, {@code storage} to storage, everything
 * else ({@code jobs}...) to host. An event of a subsystem this process does not serve is not put on
 * the broker (the process serving that subsystem publishes its own).
 */
public final class BrokerTopicEventSink implements EventSink {
  private static final Map<String, Subsystem> EVENT_SUBSYSTEMS =
      Map.of("virt", Subsystem.VIRT, "net", Subsystem.NETWORK, "network", Subsystem.NETWORK,
          "storage", Subsystem.STORAGE);

  private final BrokeredHost host;
  private final EventSink direct;

  /**
   * @param host the broker connection
   * @param direct also receives every event ({@link EventSink#NONE} when there are no direct clients)
   */
  public BrokerTopicEventSink(BrokeredHost host, EventSink direct) {
    this.host = requireNonNull(host, "host");
    this.direct = requireNonNull(direct, "direct");
  }

  /** The request subsystem whose event topic carries events of the backend's {@code eventSubsystem}. */
  public static Subsystem topicOf(String eventSubsystem) {
    return EVENT_SUBSYSTEMS.getOrDefault(requireNonNull(eventSubsystem, "eventSubsystem"), Subsystem.HOST);
  }

  @Override
  public void publish(String subsystem, String event, String objectId, JsonObject params) {
    requireNonNull(subsystem, "subsystem");
    requireNonNull(event, "event");
    requireNonNull(objectId, "objectId");
    direct.publish(subsystem, event, objectId, params);
    Subsystem topic = topicOf(subsystem);
    if (!host.settings().subsystems().contains(topic)) {
      return;
    }
    JsonObject withTime = params == null ? new JsonObject() : params.deepCopy();
    withTime.addProperty("notify_time", System.nanoTime() / 1_000_000L);
    String method = "|" + subsystem + "|" + event + "|" + objectId;
    host.publishEvent(topic, JsonRpcCodec.encode(new JsonRpcNotification(method, withTime)));
  }
}

package org.ovirt.vdsm.messaging.server.events;

import com.google.gson.JsonObject;

/**
 * Where the host API publishes events. Each event becomes a JSON-RPC notification whose method is
 * {@code |<subsystem>|<event>|<objectId>} and whose params carry {@code notify_time} (added by the
 * sink), sent to {@code jms.queue.events} and to the subsystem's own topic.
 */
@FunctionalInterface
public interface EventSink {
  /**
   * Publishes one event; never blocks.
   *
   * @param subsystem e.g. {@code virt}, {@code jobs}, {@code net}
   * @param event e.g. {@code VM_status}
   * @param objectId e.g. the VM id, or {@code no_id}
   * @param params the event's params without {@code notify_time}
   */
  void publish(String subsystem, String event, String objectId, JsonObject params);

  /** A sink that drops everything (tests of the API alone). */
  EventSink NONE = (subsystem, event, objectId, params) -> {};
}

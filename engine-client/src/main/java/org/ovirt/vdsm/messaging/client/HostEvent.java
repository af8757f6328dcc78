package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;

/**
 * One event pushed by a host: a JSON-RPC notification on {@code jms.queue.events} whose method is
 * {@code |<subsystem>|<event>|<object id>} (the receiver part empty on the host). The client fills
 * the receiver with the host name or address it connected to, so {@link #id()} is the four-part id
 * that subscription patterns match: {@code receiver|subsystem|name|objectId}.
 *
 * @param receiver the host name or address as given to the factory (e.g. {@code 127.0.0.1})
 * @param subsystem e.g. {@code virt}
 * @param name the event name, e.g. {@code VM_status}
 * @param objectId e.g. the VM id, or {@code no_id}
 * @param params the notification's params (VDSM puts {@code notify_time} there), or {@code null}
 */
public record HostEvent(String receiver, String subsystem, String name, String objectId, JsonElement params) {
  public HostEvent {
    requireNonNull(receiver, "receiver");
    requireNonNull(subsystem, "subsystem");
    requireNonNull(name, "name");
    requireNonNull(objectId, "objectId");
  }

  /** {@code receiver|subsystem|name|objectId}. */
  public String id() {
    return receiver + "|" + subsystem + "|" + name + "|" + objectId;
  }
}

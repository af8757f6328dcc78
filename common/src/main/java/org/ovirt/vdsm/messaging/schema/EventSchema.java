package org.ovirt.vdsm.messaging.schema;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.schema.TypeSchema.ObjectType;

/**
 * An event the host publishes: a JSON-RPC notification whose method is {@code
 * |<category>|<event>|<object id>} (the receiver part before the first {@code |} is empty on the
 * host), e.g. {@code |virt|VM_status|<vmId>}. Its params always carry {@code notify_time}.
 *
 * @param name the id without the object id, e.g. {@code |virt|VM_status|}
 * @param category the first part of the id, e.g. {@code virt}, {@code jobs}, {@code net}
 * @param event the second part, e.g. {@code VM_status}
 * @param subsystem the subsystem that publishes the event (on its own topic)
 * @param description what the event reports
 * @param idDescription what the object id part is
 * @param params the type of the params object
 */
public record EventSchema(
    String name,
    String category,
    String event,
    Subsystem subsystem,
    String description,
    String idDescription,
    ObjectType params) {

  /** The member every event's params carry: milliseconds of a monotonic clock. */
  public static final String NOTIFY_TIME = "notify_time";

  public EventSchema {
    requireNonNull(name, "name");
    requireNonNull(category, "category");
    requireNonNull(event, "event");
    requireNonNull(subsystem, "subsystem");
    requireNonNull(description, "description");
    requireNonNull(idDescription, "idDescription");
    requireNonNull(params, "params");
    if (!name.equals("|" + category + "|" + event + "|")) {
      throw new IllegalArgumentException(name + " is not |" + category + "|" + event + "|");
    }
  }

  @Override
  public String toString() {
    return name + " (" + params.name() + ") [" + subsystem.wireName() + "]";
  }

  /** The notification method for one object: {@code name() + objectId}. */
  public String methodFor(String objectId) {
    requireNonNull(objectId, "objectId");
    if (objectId.isEmpty() || objectId.indexOf('|') >= 0) {
      throw new IllegalArgumentException("an object id is not empty and has no '|': " + objectId);
    }
    return name + objectId;
  }
}

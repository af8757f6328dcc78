package org.ovirt.vdsm.messaging.server.api;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.ovirt.vdsm.messaging.server.events.EventSink;

/** An {@link EventSink} that keeps every event, in publication order; thread safe. */
final class RecordingEventSink implements EventSink {
  /** One published event; {@code params} is a copy. */
  record Event(String subsystem, String event, String objectId, JsonObject params) {}

  private final List<Event> events = new ArrayList<>();

  @Override
  public synchronized void publish(String subsystem, String event, String objectId, JsonObject params) {
    JsonObject withTime = params.deepCopy();
    withTime.addProperty("notify_time", 1L);
    java.util.List<String> violations = org.ovirt.vdsm.messaging.schema.SchemaValidator.vdsm()
        .validateEvent("|" + subsystem + "|" + event + "|" + objectId, withTime);
    if (!violations.isEmpty()) {
      throw new AssertionError("schema violations in an event: " + violations);
    }
    events.add(new Event(subsystem, event, objectId, params.deepCopy()));
  }

  synchronized List<Event> all() {
    return List.copyOf(events);
  }

  synchronized void clear() {
    events.clear();
  }

  /** The {@code VM_status} events of one VM: their VM records ({@code params[vmId]}), in order. */
  synchronized List<JsonObject> vmStatus(String vmId) {
    List<JsonObject> list = new ArrayList<>();
    for (Event e : events) {
      if (e.subsystem().equals("virt") && e.event().equals("VM_status") && e.objectId().equals(vmId)) {
        list.add(e.params().getAsJsonObject(vmId));
      }
    }
    return list;
  }

  /** The statuses a VM's events announced, in order. */
  List<String> statuses(String vmId) {
    return vmStatus(vmId).stream().map(o -> o.get("status").getAsString()).toList();
  }

  /** The {@code |jobs|status|} events of one job: their job records ({@code params[jobId]}), in order. */
  synchronized List<JsonObject> jobStatus(String jobId) {
    List<JsonObject> list = new ArrayList<>();
    for (Event e : events) {
      if (e.subsystem().equals("jobs") && e.event().equals("status") && e.objectId().equals(jobId)) {
        list.add(e.params().getAsJsonObject(jobId));
      }
    }
    return list;
  }
}

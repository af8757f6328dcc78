package org.ovirt.vdsm.messaging.server.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * One VM of the {@link VirtSimulator}: what it was created with, its status and exit, and the views
 * VDSM gives of it (definition, statistics, the details of a VM_status event). Mutable state is
 * guarded by its monitor; the views are taken with it held.
 */
final class SimulatedVm {
  /** What a VM_status event carries of a VM's statistics, as VDSM sends them. */
  private static final Set<String> STATUS_EVENT_MEMBERS = Set.of(
      "status", "exitCode", "exitMessage", "exitReason", "timeOffset", "elapsedTime", "cpuUser", "cpuSys",
      "monitorResponse", "statusTime", "pauseCode", "displayInfo", "clientIp", "hash");

  final String id;
  final long seq;
  final long createdMillis;
  /** The VM's definition as created, without secrets; never modified after construction. */
  final JsonObject conf;
  final String name;
  final long memSizeMib;
  final String smp;
  final String hash;

  VirtSimulator.Status status;
  long epoch;
  long statusTime;
  boolean removed;
  long extraShutdownDelayMs;
  int exitCode;
  int exitReason;
  String exitMessage;

  SimulatedVm(String id, long seq, long createdMillis, JsonObject conf, String name, long memSizeMib, String smp) {
    this.id = id;
    this.seq = seq;
    this.createdMillis = createdMillis;
    this.conf = conf;
    this.name = name;
    this.memSizeMib = memSizeMib;
    this.smp = smp;
    this.hash = Integer.toString(conf.toString().hashCode());
  }

  /** Caller holds the monitor. The members of {@link #stats} that a VM_status event carries. */
  JsonObject statusEventDetails(long nowMillis) {
    JsonObject details = new JsonObject();
    for (Map.Entry<String, JsonElement> e : stats(nowMillis).entrySet()) {
      if (STATUS_EVENT_MEMBERS.contains(e.getKey())) {
        details.add(e.getKey(), e.getValue());
      }
    }
    return details;
  }

  /** Caller holds the monitor. VDSM's VmDefinition: the definition as created, plus the status. */
  JsonObject definition() {
    JsonObject d = conf.deepCopy();
    d.addProperty("status", status.wire);
    d.addProperty("statusTime", statusTime);
    d.addProperty("pid", "0");
    d.addProperty("clientIp", "");
    if (status == VirtSimulator.Status.DOWN) {
      d.addProperty("exitCode", exitCode);
      d.addProperty("exitMessage", exitMessage);
      d.addProperty("exitReason", exitReason);
    }
    return d;
  }

  /** Caller holds the monitor. VDSM's VmStats: RunningVmStats, or ExitedVmStats once Down. */
  JsonObject stats(long nowMillis) {
    JsonObject s = new JsonObject();
    s.addProperty("vmId", id);
    s.addProperty("status", status.wire);
    s.addProperty("statusTime", Long.toString(statusTime));
    if (status == VirtSimulator.Status.DOWN) {
      s.addProperty("exitCode", exitCode);
      s.addProperty("exitMessage", exitMessage);
      s.addProperty("exitReason", exitReason);
      s.addProperty("timeOffset", stringOr(conf.get("timeOffset"), "0"));
      return s;
    }
    s.addProperty("vmName", name);
    s.addProperty("vmType", conf.get("vmType").getAsString());
    s.addProperty("elapsedTime", Long.toString(Math.max(0, nowMillis - createdMillis) / 1000));
    s.addProperty("timeOffset", stringOr(conf.get("timeOffset"), "0"));
    s.addProperty("kvmEnable", "true");
    s.addProperty("acpiEnable", stringOr(conf.get("acpiEnable"), "true"));
    s.addProperty("monitorResponse", "0");
    s.addProperty("cpuUser", "0.00");
    s.addProperty("cpuSys", "0.00");
    s.addProperty("cpuUsage", "0");
    s.addProperty("cpuActual", true);
    s.addProperty("memUsage", "0");
    s.addProperty("vcpuCount", smp);
    s.addProperty("vcpuQuota", "-1");
    s.addProperty("vcpuPeriod", 100000L);
    s.addProperty("guestCPUCount", -1);
    s.addProperty("pauseCode", "NOERR");
    s.addProperty("clientIp", "");
    s.addProperty("username", "Unknown");
    s.addProperty("guestFQDN", "");
    s.addProperty("session", "Unknown");
    s.add("network", new JsonObject());
    s.add("disks", new JsonObject());
    s.add("displayInfo", new JsonArray());
    s.add("appsList", new JsonArray());
    s.addProperty("hash", hash);
    return s;
  }

  private static String stringOr(JsonElement e, String dflt) {
    return e != null && e.isJsonPrimitive() ? e.getAsString() : dflt;
  }
}

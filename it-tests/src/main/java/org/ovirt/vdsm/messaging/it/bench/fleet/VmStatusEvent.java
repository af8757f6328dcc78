package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;

/**
 * The body of one {@code |virt|VM_status|<vmId>} notification as VDSM sends it (see
 * wire-contract.md, "Events"): params {@code {"<vmId>": {...}, "notify_time": <ms>}}, the VM's
 * members being those VDSM's status event carries (the same set as the default backend's {@code
 * VirtSimulator}): status, times, CPU, display and the statistics hash. About 600 bytes.
 */
final class VmStatusEvent {
  private VmStatusEvent() {}

  /**
   * Encodes the event of {@code vmId} now.
   *
   * @param up whether the VM is reported {@code Up} (else {@code Paused}), so that consecutive
   *     events of one VM differ as real ones do
   * @param elapsedSeconds the VM's up time
   */
  static byte[] encode(String vmId, boolean up, long elapsedSeconds) {
    requireNonNull(vmId, "vmId");
    JsonObject vm = new JsonObject();
    vm.addProperty("status", up ? "Up" : "Paused");
    vm.addProperty("exitCode", 0);
    vm.addProperty("exitMessage", "");
    vm.addProperty("exitReason", 0);
    vm.addProperty("timeOffset", "0");
    vm.addProperty("elapsedTime", Long.toString(elapsedSeconds));
    vm.addProperty("cpuUser", "1.25");
    vm.addProperty("cpuSys", "0.48");
    vm.addProperty("monitorResponse", "0");
    vm.addProperty("statusTime", Long.toString(System.nanoTime() / 1_000_000L));
    vm.addProperty("pauseCode", up ? "NOERR" : "EOTHER");
    JsonArray display = new JsonArray();
    JsonObject vnc = new JsonObject();
    vnc.addProperty("type", "vnc");
    vnc.addProperty("port", "5900");
    vnc.addProperty("tlsPort", "-1");
    vnc.addProperty("ipAddress", "192.0.2.10");
    display.add(vnc);
    vm.add("displayInfo", display);
    vm.addProperty("clientIp", "");
    vm.addProperty("hash", Integer.toString((vmId.hashCode() * 31 + (up ? 1 : 0)) & 0x7fffffff));
    JsonObject params = new JsonObject();
    params.add(vmId, vm);
    params.addProperty("notify_time", System.nanoTime() / 1_000_000L);
    return JsonRpcCodec.encode(new JsonRpcNotification("|virt|VM_status|" + vmId, params));
  }
}

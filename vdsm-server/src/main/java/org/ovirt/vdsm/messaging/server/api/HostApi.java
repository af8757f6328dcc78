package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;

/**
 * {@code Host.echo} and {@code Host.getCapabilities}, answered with real facts of the machine this
 * server runs on. Registered by {@link DefaultHostBackend#registerWith}.
 */
public final class HostApi {
  /** What {@code version_name} says in the capabilities. */
  public static final String VERSION_NAME = "vdsm-messaging";

  private final HostFacts facts;
  private final String softwareVersion;

  public HostApi(HostFacts facts, String softwareVersion) {
    this.facts = requireNonNull(facts, "facts");
    this.softwareVersion = requireNonNull(softwareVersion, "softwareVersion");
  }

  /** {@code Host.echo}: the {@code message} parameter, as sent. */
  public JsonElement echo(JsonObject params) throws ApiException {
    JsonElement message = params.get("message");
    if (message == null || !message.isJsonPrimitive() || !message.getAsJsonPrimitive().isString()) {
      throw new ApiException(JsonRpcError.invalidParams("Host.echo needs a string parameter 'message'"));
    }
    return message;
  }

  /** The capabilities of this host, with VDSM's member names where VDSM has one, as a tree. */
  public JsonObject capabilities() {
    return capabilitiesValue().toTree().getAsJsonObject();
  }

  /**
   * The capabilities of this host, read now and written by streaming when the answer is encoded (no
   * tree): {@code Host.getCapabilities}.
   */
  public ResultValue capabilitiesValue() {
    Map<String, String> os = facts.operatingSystem();
    String kernel = facts.kernelRelease();
    String threads = String.valueOf(facts.cpuThreads());
    String hostName = facts.hostName();
    String sockets = String.valueOf(facts.cpuSockets());
    String model = facts.cpuModel();
    String speed = facts.cpuSpeedMhz();
    String memory = String.valueOf(facts.memoryMib());
    String uptime = String.valueOf(facts.uptimeSeconds());
    String kvm = String.valueOf(facts.kvmAvailable());
    return ResultValue.written(out -> {
      out.beginObject();
      out.name("hostname").value(hostName);
      out.name("cpuCores").value(threads);
      out.name("cpuThreads").value(threads);
      out.name("cpuSockets").value(sockets);
      out.name("cpuModel").value(model);
      out.name("cpuSpeed").value(speed);
      out.name("memSize").value(memory);
      out.name("kernelRelease").value(kernel);
      out.name("operatingSystem").beginObject();
      for (Map.Entry<String, String> e : os.entrySet()) {
        out.name(e.getKey()).value(e.getValue());
      }
      out.name("kernel").value(kernel);
      out.endObject();
      out.name("version_name").value(VERSION_NAME);
      out.name("software_version").value(softwareVersion);
      out.name("software_revision").value("0");
      out.name("clusterLevels").beginArray().value("4.7").value("4.8").endArray();
      out.name("supportedENGINEs").beginArray().value("4.7").value("4.8").endArray();
      out.name("uptime").value(uptime);
      out.name("kvmEnabled").value(kvm);
      out.endObject();
    });
  }
}

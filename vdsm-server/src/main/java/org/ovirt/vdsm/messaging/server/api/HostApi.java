package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
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

  /** The capabilities of this host, with VDSM's member names where VDSM has one. */
  public JsonObject capabilities() {
    JsonObject caps = new JsonObject();
    caps.addProperty("hostname", facts.hostName());
    caps.addProperty("cpuCores", String.valueOf(facts.cpuThreads()));
    caps.addProperty("cpuThreads", String.valueOf(facts.cpuThreads()));
    caps.addProperty("cpuSockets", String.valueOf(facts.cpuSockets()));
    caps.addProperty("cpuModel", facts.cpuModel());
    caps.addProperty("cpuSpeed", facts.cpuSpeedMhz());
    caps.addProperty("memSize", String.valueOf(facts.memoryMib()));
    caps.addProperty("kernelRelease", facts.kernelRelease());
    JsonObject os = new JsonObject();
    for (Map.Entry<String, String> e : facts.operatingSystem().entrySet()) {
      os.addProperty(e.getKey(), e.getValue());
    }
    os.addProperty("kernel", facts.kernelRelease());
    caps.add("operatingSystem", os);
    caps.addProperty("version_name", VERSION_NAME);
    caps.addProperty("software_version", softwareVersion);
    caps.addProperty("software_revision", "0");
    caps.add("clusterLevels", Json.strings("4.7", "4.8"));
    caps.add("supportedENGINEs", Json.strings("4.7", "4.8"));
    caps.addProperty("uptime", String.valueOf(facts.uptimeSeconds()));
    caps.addProperty("kvmEnabled", String.valueOf(facts.kvmAvailable()));
    return caps;
  }
}

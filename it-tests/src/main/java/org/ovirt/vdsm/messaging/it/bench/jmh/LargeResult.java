package org.ovirt.vdsm.messaging.it.bench.jmh;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;

/**
 * A realistic large result: host capabilities padded with network entries, as a Java model (what
 * an engine reads a typed answer into, and what a host can write by streaming) and as a Gson tree.
 */
public final class LargeResult {
  private LargeResult() {}

  /** One network interface. */
  public record Nic(String hwaddr, String mtu, long speed, List<String> ipv4addrs, boolean dhcpv4) {}

  /** Capabilities: a few host facts and many network interfaces by name. */
  public record Capabilities(String cpuModel, String cpuCores, String memSize, Map<String, Nic> nics) {}

  /** The model of about {@code bytes} bytes when encoded. */
  public static Capabilities model(int bytes) {
    Map<String, Nic> nics = new LinkedHashMap<>();
    int approx = 0;
    for (int i = 0; approx < bytes; i++) {
      nics.put("ens" + i, new Nic(
          String.format("52:54:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff),
          "1500", 10000,
          List.of("10." + (i >> 8 & 0xff) + "." + (i & 0xff) + ".17/24", "fe80::5054:ff:fe" + Integer.toHexString(i & 0xff) + ":1/64"),
          false));
      approx += 190;
    }
    return new Capabilities("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "40", "385636", nics);
  }

  /** The same capabilities as a Gson tree (the same JSON text as the model). */
  public static JsonObject capabilities(int bytes) {
    return JsonRpcCodec.gson().toJsonTree(model(bytes)).getAsJsonObject();
  }
}

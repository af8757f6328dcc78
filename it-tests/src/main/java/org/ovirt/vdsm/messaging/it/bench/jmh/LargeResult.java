package org.ovirt.vdsm.messaging.it.bench.jmh;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** A realistic large result: host capabilities padded with network and device entries. */
public final class LargeResult {
  private LargeResult() {}

  /** Capabilities-like JSON of about {@code bytes} bytes when encoded. */
  public static JsonObject capabilities(int bytes) {
    JsonObject caps = new JsonObject();
    caps.addProperty("cpuModel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz");
    caps.addProperty("cpuCores", "40");
    caps.addProperty("memSize", "385636");
    JsonObject nics = new JsonObject();
    int approx = 0;
    for (int i = 0; approx < bytes; i++) {
      JsonObject nic = new JsonObject();
      nic.addProperty("hwaddr", String.format("52:54:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff));
      nic.addProperty("mtu", "1500");
      nic.addProperty("speed", 10000);
      JsonArray addrs = new JsonArray();
      addrs.add("10." + (i >> 8 & 0xff) + "." + (i & 0xff) + ".17/24");
      addrs.add("fe80::5054:ff:fe" + Integer.toHexString(i & 0xff) + ":1/64");
      nic.add("ipv4addrs", addrs);
      nic.addProperty("dhcpv4", false);
      nics.add("ens" + i, nic);
      approx += 190;
    }
    caps.add("nics", nics);
    return caps;
  }
}

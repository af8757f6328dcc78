package org.ovirt.vdsm.messaging.it.bench.fleet;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one engine process measured, passed from the child to the comparison as one line of
 * {@code key=value} pairs after {@value #PREFIX} (values without spaces).
 */
record EngineRun(
    String client,
    int hosts,
    int open,
    double connectSeconds,
    double windowSeconds,
    double cpuShare,
    long heapBaselineBytes,
    long heapAfterBytes,
    int heapHosts,
    long callsStarted,
    long callsAnswered,
    long callsFailed,
    long events,
    long gcCount,
    long gcMillis) {
  static final String PREFIX = "FLEET-RESULT ";

  /** Heap after GC per host: what the {@code heapHosts} hosts connected after the baseline added. */
  double heapPerHostBytes() {
    return (heapAfterBytes - heapBaselineBytes) / (double) heapHosts;
  }

  /** Engine CPU per host per second, in microseconds. */
  double cpuMicrosPerHostSecond() {
    return cpuShare * 1e6 / hosts;
  }

  String line() {
    return PREFIX + String.format(Locale.ROOT,
        "client=%s hosts=%d open=%d connectSeconds=%.3f windowSeconds=%.3f cpuShare=%.6f heapBaselineBytes=%d "
            + "heapAfterBytes=%d heapHosts=%d callsStarted=%d callsAnswered=%d callsFailed=%d events=%d gcCount=%d gcMillis=%d",
        client, hosts, open, connectSeconds, windowSeconds, cpuShare, heapBaselineBytes, heapAfterBytes, heapHosts,
        callsStarted, callsAnswered, callsFailed, events, gcCount, gcMillis);
  }

  static EngineRun parse(String line) {
    if (!line.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a result line: " + line);
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (String pair : line.substring(PREFIX.length()).strip().split(" ")) {
      int eq = pair.indexOf('=');
      v.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return new EngineRun(v.get("client"), Integer.parseInt(v.get("hosts")), Integer.parseInt(v.get("open")),
        Double.parseDouble(v.get("connectSeconds")), Double.parseDouble(v.get("windowSeconds")),
        Double.parseDouble(v.get("cpuShare")), Long.parseLong(v.get("heapBaselineBytes")),
        Long.parseLong(v.get("heapAfterBytes")), Integer.parseInt(v.get("heapHosts")), Long.parseLong(v.get("callsStarted")),
        Long.parseLong(v.get("callsAnswered")), Long.parseLong(v.get("callsFailed")),
        Long.parseLong(v.get("events")), Long.parseLong(v.get("gcCount")), Long.parseLong(v.get("gcMillis")));
  }
}

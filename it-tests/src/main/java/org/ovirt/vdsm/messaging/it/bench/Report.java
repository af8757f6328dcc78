package org.ovirt.vdsm.messaging.it.bench;

import java.util.List;

/** Builds the markdown of {@code docs/benchmarks.md}. */
final class Report {
  private final StringBuilder body = new StringBuilder();
  private String machine = "";
  private long peakHeap;
  private boolean tableOpen;

  void machine(String tlsProvider, String transport, String args) {
    Runtime rt = Runtime.getRuntime();
    machine = "- Machine: " + rt.availableProcessors() + " cores, " + System.getProperty("os.name") + " "
        + System.getProperty("os.version") + " " + System.getProperty("os.arch") + "\n"
        + "- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
        + ", heap max " + rt.maxMemory() / (1024 * 1024) + " MiB\n"
        + "- TLS provider " + tlsProvider + ", Netty transport " + transport + ", everything on loopback\n"
        + "- Command: `./mvnw -B -q -Pbench -DskipTests package`" + (args.isBlank() ? "" : " (harness arguments: `" + args + "`)") + "\n";
  }

  void section(String id, String title) {
    tableOpen = false;
    body.append("\n### (").append(id).append(") ").append(title).append("\n\n");
  }

  void row(Row row) {
    if (!tableOpen) {
      body.append(Row.header()).append('\n');
      tableOpen = true;
    }
    body.append(row.markdown()).append('\n');
  }

  void note(String text) {
    tableOpen = false;
    body.append('\n').append(text).append('\n');
  }

  /** Ratios of JSON-RPC rows to the XML-RPC rows that follow them in pairs. */
  void ratios(List<Row> rows) {
    StringBuilder sb = new StringBuilder("\nRatios (JSON-RPC/STOMP relative to XML-RPC/HTTP):\n\n");
    for (int i = 0; i + 1 < rows.size(); i += 2) {
      Row json = rows.get(i);
      Row xml = rows.get(i + 1);
      sb.append("- ").append(json.name).append(" vs ").append(xml.name).append(", ").append(json.inFlight)
          .append(" in flight: throughput x").append(String.format(java.util.Locale.ROOT, "%.1f", json.callsPerSecond / xml.callsPerSecond));
      if (json.requestBytes > 0 && xml.requestBytes > 0) {
        double jsonBytes = json.requestBytes + json.responseBytes;
        double xmlBytes = xml.requestBytes + xml.responseBytes;
        sb.append(", bytes on the wire x").append(String.format(java.util.Locale.ROOT, "%.1f", xmlBytes / jsonBytes)).append(" fewer");
      }
      sb.append('\n');
    }
    note(sb.toString());
  }

  void peakHeap(long bytes) {
    peakHeap = bytes;
  }

  private static final String BEGIN = "<!-- measured:begin (written by the benchmark harness) -->";
  private static final String END = "<!-- measured:end -->";

  /**
   * The report file with its measured part replaced by {@code measured}; what stands outside the
   * markers (the analysis written by people) is kept.
   */
  static String splice(String existing, String measured) {
    String block = BEGIN + "\n" + measured + END + "\n";
    if (existing == null || !existing.contains(BEGIN) || !existing.contains(END)) {
      return "# Benchmarks\n\n" + block;
    }
    return existing.substring(0, existing.indexOf(BEGIN)) + block
        + existing.substring(existing.indexOf(END) + END.length()).replaceFirst("^\n", "");
  }

  String markdown(String date) {
    return "## Measured\n\n"
        + "Measured on " + date + ". Reproduce with the command below; numbers from one run on a shared\n"
        + "2-core machine vary by several percent from run to run.\n\n"
        + machine
        + "- Peak heap used by the benchmark JVM, client and in-process server together, garbage included"
        + " (the JVM runs with -Xms2g -Xmx2g): " + peakHeap / (1024 * 1024) + " MiB\n"
        + body;
  }
}

package org.ovirt.vdsm.messaging.it.bench;

import org.HdrHistogram.Histogram;

/** One measured line of the report. */
final class Row {
  final String name;
  final int inFlight;
  final double callsPerSecond;
  final Histogram latency;
  long requestBytes = -1;
  long responseBytes = -1;
  double clientCpuMicros = -1;
  double serverCpuMicros = -1;
  double clientAllocatedBytes = -1;

  Row(String name, int inFlight, double callsPerSecond, Histogram latency) {
    this.name = name;
    this.inFlight = inFlight;
    this.callsPerSecond = callsPerSecond;
    this.latency = latency;
  }

  void bytesPerCall(long request, long response) {
    requestBytes = request;
    responseBytes = response;
  }

  void cpu(double clientMicros, double serverMicros) {
    clientCpuMicros = clientMicros;
    serverCpuMicros = serverMicros;
  }

  /** Bytes allocated per call by the client's threads (callers, network loop, answer lanes). */
  void clientAllocation(double bytesPerCall) {
    clientAllocatedBytes = bytesPerCall;
  }

  static String header() {
    return "| call | in flight | calls/s | p50 µs | p99 µs | p99.9 µs | max µs | bytes/call out | bytes/call back | client CPU µs/call | server CPU µs/call | client alloc B/call |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  String markdown() {
    return "| " + name + " | " + inFlight + " | " + Bench.fmt(callsPerSecond)
        + " | " + us(latency.getValueAtPercentile(50)) + " | " + us(latency.getValueAtPercentile(99))
        + " | " + us(latency.getValueAtPercentile(99.9)) + " | " + us(latency.getMaxValue())
        + " | " + (requestBytes < 0 ? "" : Bench.fmt(requestBytes)) + " | " + (responseBytes < 0 ? "" : Bench.fmt(responseBytes))
        + " | " + (clientCpuMicros < 0 ? "" : Bench.fmt(clientCpuMicros))
        + " | " + (serverCpuMicros < 0 ? "" : Bench.fmt(serverCpuMicros))
        + " | " + (clientAllocatedBytes < 0 ? "" : Bench.fmt(clientAllocatedBytes)) + " |";
  }

  private static String us(long nanos) {
    return Bench.fmt(nanos / 1000.0);
  }
}

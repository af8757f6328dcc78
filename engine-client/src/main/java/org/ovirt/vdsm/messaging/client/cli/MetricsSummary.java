package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ovirt.vdsm.messaging.ExitCodes;

/**
 * {@code vdsm-client --metrics URL}: reads a host's metrics endpoint (Prometheus text format) and
 * prints a summary for people: a table of calls by method (answered, errors, timeouts, refused,
 * mean time), then every other {@code vdsm_} figure that is not zero. The body read is bounded
 * ({@value #MAX_BYTES} bytes) and so is the wait.
 */
final class MetricsSummary {
  static final int MAX_BYTES = 16 << 20;

  private MetricsSummary() {}

  /** {@code PORT}, {@code HOST:PORT} or a full {@code http://} URL, as the URL of the endpoint. */
  static URI target(String given) throws CliException {
    requireNonNull(given, "given");
    String url = given.matches("\\d{1,5}") ? "http://127.0.0.1:" + given + "/metrics"
        : given.contains("://") ? given : "http://" + given + (given.contains("/") ? "" : "/metrics");
    try {
      URI uri = URI.create(url);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() > 65535) {
        throw new IllegalArgumentException("not an http://HOST:PORT/metrics URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--metrics " + given + ": give PORT, HOST:PORT or http://HOST:PORT/metrics");
    }
  }

  /** Fetches {@code uri} and prints the summary on {@code out}. */
  static int print(URI uri, Duration timeout, PrintStream out) throws CliException {
    String text = fetch(uri, timeout);
    Map<String, Double> samples = parse(text);
    List<String> lines = new ArrayList<>();
    lines.add("metrics of " + uri);
    lines.addAll(callTable(samples));
    List<String> others = new ArrayList<>();
    samples.forEach((series, value) -> {
      if (series.startsWith("vdsm_") && !series.startsWith("vdsm_calls_total") && !series.startsWith("vdsm_call_duration")
          && value != 0) {
        others.add(String.format(Locale.ROOT, "  %-72s %s", series, number(value)));
      }
    });
    if (!others.isEmpty()) {
      lines.add("");
      lines.add("other figures (zeros left out):");
      lines.addAll(others);
    }
    lines.forEach(out::println);
    out.flush();
    return ExitCodes.OK;
  }

  private static String fetch(URI uri, Duration timeout) throws CliException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    try {
      HttpResponse<InputStream> response = http.send(
          HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        byte[] bytes = body.readNBytes(MAX_BYTES + 1);
        if (response.statusCode() != 200) {
          throw new CliException(ExitCodes.NO_ANSWER, uri + " answered HTTP " + response.statusCode()
              + ": is it the metrics port (vdsm-server --metrics-port)?");
        }
        if (bytes.length > MAX_BYTES) {
          throw new CliException(ExitCodes.NO_ANSWER, uri + " sent more than " + MAX_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.NO_ANSWER, "cannot read " + uri + ": " + (e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage()) + " (is vdsm-server started with --metrics-port?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.NO_ANSWER, "interrupted while reading " + uri);
    }
  }

  /** The samples of a text exposition: series ({@code name{labels}}) to value; comments skipped. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      try {
        samples.put(line.substring(0, space).strip(), Double.parseDouble(line.substring(space + 1)));
      } catch (RuntimeException malformed) {
        // not a sample line: ignored
      }
    }
    return samples;
  }

  /** One row per method label: answered (ok), errors, timeouts, refused, mean time of those that ran. */
  static List<String> callTable(Map<String, Double> samples) {
    Map<String, double[]> rows = new TreeMap<>();
    samples.forEach((series, value) -> {
      String method = label(series, "method");
      if (method == null) {
        return;
      }
      double[] row = rows.computeIfAbsent(method, m -> new double[6]);
      if (series.startsWith("vdsm_calls_total{")) {
        String outcome = label(series, "outcome");
        switch (outcome == null ? "" : outcome) {
          case "ok" -> row[0] += value;
          case "timeout" -> row[2] += value;
          case "refused" -> row[3] += value;
          default -> row[1] += value;
        }
      } else if (series.startsWith("vdsm_call_duration_seconds_sum{")) {
        row[4] += value;
      } else if (series.startsWith("vdsm_call_duration_seconds_count{")) {
        row[5] += value;
      }
    });
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-40s %10s %8s %8s %8s %10s", "method", "ok", "errors", "timeouts", "refused", "mean ms"));
    if (rows.isEmpty()) {
      lines.add("  (no calls yet)");
    }
    rows.forEach((method, r) -> lines.add(String.format(Locale.ROOT, "%-40s %10s %8s %8s %8s %10s",
        method, number(r[0]), number(r[1]), number(r[2]), number(r[3]),
        r[5] == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r[4] / r[5] * 1000))));
    return lines;
  }

  private static String label(String series, String name) {
    String key = name + "=\"";
    int at = series.indexOf(key);
    if (at < 0 || (at > 0 && series.charAt(at - 1) != '{' && series.charAt(at - 1) != ',')) {
      return null;
    }
    int end = series.indexOf('"', at + key.length());
    return end < 0 ? null : series.substring(at + key.length(), end);
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
  }
}

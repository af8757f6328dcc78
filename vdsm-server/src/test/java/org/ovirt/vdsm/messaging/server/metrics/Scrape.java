package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** One scrape of a metrics endpoint, parsed: each sample line's series ({@code name{labels}}) and value. */
record Scrape(String text, Map<String, Double> samples) {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** GETs {@code url}, checks 200 and the content type, parses the body. */
  static Scrape of(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(MetricsHttpHandler.CONTENT_TYPE);
    return parse(response.body());
  }

  static Scrape parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(text, samples);
  }

  /** The value of {@code series} ({@code name} or {@code name{a="x",b="y"}}), or -1 when absent. */
  double value(String series) {
    return samples.getOrDefault(series, -1.0);
  }

  /** Whether the scrape describes family {@code name} (its {@code # HELP} line). */
  boolean hasFamily(String name) {
    return text.contains("# HELP " + name + " ");
  }
}

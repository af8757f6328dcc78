package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ovirt.vdsm.messaging.server.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the host's network interfaces ({@code /sys/class/net/<nic>/operstate}) and publishes
 * {@code |net|host_conn|no_id} when an interface appears, goes away, or changes state, as VDSM
 * tells the engine that the host's connectivity changed. Polls at a fixed period on the backend's
 * scheduler; nothing happens between polls.
 */
final class NetworkMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetworkMonitor.class);

  /** How often the interfaces are looked at. */
  static final Duration PERIOD = Duration.ofSeconds(2);

  private final Path netDir;
  private final EventSink events;
  private Map<String, String> last;
  private ScheduledFuture<?> polling;

  NetworkMonitor(Path netDir, EventSink events) {
    this.netDir = requireNonNull(netDir, "netDir");
    this.events = requireNonNull(events, "events");
    this.last = snapshot();
  }

  /** Starts polling every {@code period}. */
  NetworkMonitor start(ScheduledExecutorService scheduler, Duration period) {
    long ms = period.toMillis();
    polling = scheduler.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Compares the interfaces with the last look and publishes an event when they differ. */
  synchronized void check() {
    Map<String, String> now = snapshot();
    if (!now.equals(last)) {
      log.info("host network changed: {} -> {}", last, now);
      last = now;
      events.publish("net", "host_conn", "no_id", new JsonObject());
    }
  }

  /** Interface name to operational state, sorted by name. */
  private Map<String, String> snapshot() {
    Map<String, String> states = new TreeMap<>();
    try (Stream<Path> nics = Files.list(netDir)) {
      nics.forEach(nic -> states.put(nic.getFileName().toString(), operstate(nic)));
    } catch (IOException | RuntimeException e) {
      log.debug("cannot list {}: {}", netDir, e.toString());
    }
    return states;
  }

  private static String operstate(Path nic) {
    try {
      return Files.readString(nic.resolve("operstate"), StandardCharsets.US_ASCII).strip();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    if (polling != null) {
      polling.cancel(false);
    }
  }
}

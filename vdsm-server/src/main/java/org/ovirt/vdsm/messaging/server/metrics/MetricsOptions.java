package org.ovirt.vdsm.messaging.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.Version;
import org.ovirt.vdsm.messaging.server.cli.StartupFailure;
import org.ovirt.vdsm.messaging.server.cli.ValueSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The metrics options of {@code vdsm-server} (a picocli mixin, also keys of the configuration
 * file): {@code --metrics-port N} turns the metrics endpoint on (off by default: no port is
 * opened), {@code --metrics-bind ADDR} is where it listens, loopback unless an address is given.
 */
public final class MetricsOptions {
  /** Where the endpoint listens unless {@code --metrics-bind} says otherwise. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  private static final Logger log = LoggerFactory.getLogger(MetricsOptions.class);

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve the host's metrics in Prometheus text format at http://<metrics-bind>:PORT/metrics;"
          + " 0 picks a free port (default: off, no port is opened).")
  Integer port;

  @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
      description = "Address of the metrics port (default: ${DEFAULT-VALUE}, loopback only); another address"
          + " exposes the metrics to whoever can reach it.")
  String bind = DEFAULT_BIND;

  /**
   * Where the endpoint should listen, or empty when metrics are off.
   *
   * @throws StartupFailure for a port out of range, an address that does not resolve, or {@code
   *     --metrics-bind} without {@code --metrics-port}
   */
  public Optional<InetSocketAddress> address(ValueSources sources) throws StartupFailure {
    if (port == null) {
      if (!sources.source("metrics-bind").equals("default")) {
        throw sources.invalid("metrics-bind", "needs metrics-port (the metrics endpoint is off without it)");
      }
      return Optional.empty();
    }
    if (port < 0 || port > 65535) {
      throw sources.invalid("metrics-port", "out of range: use 1-65535, or 0 for a free port");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new StartupFailure(ExitCodes.UNAVAILABLE, "cannot resolve the --metrics-bind address '" + bind + "'"
          + sources.from("metrics-bind") + ": use " + DEFAULT_BIND + " or another address of this host");
    }
    return Optional.of(new InetSocketAddress(address, port));
  }

  /** A registry for the host's metrics, with the JVM's own (memory, threads, CPU, uptime) and {@code vdsm_info}. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("vdsm.info", () -> 1).description("Always 1; its label is the server's version")
        .tag("version", Version.get()).register(registry);
    return registry;
  }

  /**
   * Starts the endpoint on {@code address} serving {@code registry}.
   *
   * @throws StartupFailure ({@link ExitCodes#UNAVAILABLE}) when the port cannot be bound
   */
  public static MetricsEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry) throws StartupFailure {
    if (!address.getAddress().isLoopbackAddress()) {
      log.warn("the metrics port listens on {}, not on loopback: whoever reaches it reads the host's metrics",
          address.getAddress().getHostAddress());
    }
    try {
      return MetricsEndpoint.start(address, registry::scrape);
    } catch (IOException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new StartupFailure(ExitCodes.UNAVAILABLE, "cannot listen on " + address.getAddress().getHostAddress() + ":"
          + address.getPort() + " for metrics (" + root.getMessage() + "): choose another --metrics-port, or stop what uses it");
    }
  }
}

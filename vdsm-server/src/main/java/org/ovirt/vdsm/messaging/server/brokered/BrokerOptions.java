package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.cli.ReloadOnHangup;
import org.ovirt.vdsm.messaging.server.cli.StopOnSignal;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext;
import org.ovirt.vdsm.messaging.tls.TlsFilesWatcher;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The broker-mode options of {@code vdsm-server} (a picocli mixin): {@code --broker URL}
 * (repeatable), {@code --host-id ID}, {@code --subsystems LIST}, {@code --direct on|off}.
 */
public final class BrokerOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--broker", paramLabel = "URL", split = ",",
      description = "Serve through an external STOMP broker: stomp+ssl://HOST:PORT (mutual TLS with the host"
          + " certificate of --pki-dir, the broker's name verified) or stomp://HOST:PORT (development only)."
          + " Repeatable or comma-separated: the brokers of a cluster, tried in order on reconnect.")
  List<String> brokers = new ArrayList<>();

  @Option(names = "--host-id", paramLabel = "ID",
      description = "This host's id on the broker (letters, digits, '-', '_'); required with --broker.")
  String hostId;

  @Option(names = "--subsystems", paramLabel = "LIST",
      description = "Subsystems served through the broker, comma-separated among virt,storage,network,host"
          + " (default: all). Only their methods are registered.")
  String subsystems;

  @Option(names = "--direct", arity = "1", paramLabel = "on|off",
      description = "With --broker: also serve direct connections on --port (default: on).")
  String direct;

  /** Whether {@code --broker} was given. */
  public boolean enabled() {
    return !brokers.isEmpty();
  }

  /** Checks the broker options; the broker-only options without {@code --broker} are usage errors. */
  public void validate() {
    if (!enabled()) {
      if (hostId != null || subsystems != null || direct != null) {
        throw usage("--host-id, --subsystems and --direct need --broker");
      }
      return;
    }
    settings();
    serveDirect();
  }

  /** The broker settings from the options. */
  public BrokeredHostSettings settings() {
    if (hostId == null) {
      throw usage("--broker needs --host-id");
    }
    try {
      List<BrokerUrl> urls = brokers.stream().map(BrokerUrl::parse).toList();
      Set<Subsystem> served = subsystems == null
          ? EnumSet.allOf(Subsystem.class) : BrokeredHostSettings.parseSubsystems(subsystems);
      return BrokeredHostSettings.of(urls, hostId, served);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** Whether direct connections are served too. */
  public boolean serveDirect() {
    if (direct == null) {
      return true;
    }
    return switch (direct.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw usage("--direct: expected on or off, got '" + direct + "'");
    };
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /**
   * Runs the host in broker mode until the JVM is stopped: prints the "connected" line (and the
   * direct port's line when serving it) on {@code out}.
   *
   * @param pki the host's certificate, key and CA (used when a URL is {@code stomp+ssl://})
   */
  public int run(VdsmServerConfig config, PkiLayout pki, PrintWriter out) throws IOException, InterruptedException {
    return run(config, pki, out, null);
  }

  /** As {@link #run(VdsmServerConfig, PkiLayout, PrintWriter)}, the host's metrics in {@code registry} (or none: null). */
  public int run(VdsmServerConfig config, PkiLayout pki, PrintWriter out, MeterRegistry registry)
      throws IOException, InterruptedException {
    requireNonNull(config, "config");
    requireNonNull(out, "out");
    BrokeredHostSettings settings = settings();
    ReloadingSslContext ssl = null;
    if (settings.urls().stream().anyMatch(BrokerUrl::tls)) {
      requireNonNull(pki, "pki");
      // The host's own certificate, key, CA and CRL, reloaded like the direct port's.
      ssl = ReloadingSslContext.client(config.tlsReload().hostFiles(pki), true);
    }
    BrokeredHostRunner runner = BrokeredHostRunner.start(config, SimulationSettings.defaults(), settings, ssl,
        serveDirect(), registry, line -> {
          synchronized (out) {
            out.println(line);
          }
        });
    List<ReloadingSslContext> reloading = new ArrayList<>();
    if (ssl != null) {
      reloading.add(ssl);
      if (config.tlsReload().polls()) {
        runner.server().closeWith(TlsFilesWatcher.start(config.tlsReload().pollInterval(), List.of(ssl)));
      }
    }
    runner.server().tls().ifPresent(reloading::add);
    if (!reloading.isEmpty()) {
      ReloadOnHangup.install(() -> reloading.forEach(ReloadingSslContext::reload));
    }
    runner.directAddress().ifPresent(bound -> {
      synchronized (out) {
        out.println("vdsm-server listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
      }
    });
    StopOnSignal.run(runner, "vdsm-server"); // logs "stopping"/"stopped", exits 0 on SIGTERM/SIGINT
    return ExitCodes.OK;
  }
}

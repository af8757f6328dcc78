package org.ovirt.vdsm.messaging.server;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.brokered.BrokerOptions;
import org.ovirt.vdsm.messaging.server.cli.CommandLineRunner;
import org.ovirt.vdsm.messaging.server.cli.ConfigurableCommand;
import org.ovirt.vdsm.messaging.server.cli.DevPkiSetup;
import org.ovirt.vdsm.messaging.server.cli.LeakDetectionDefault;
import org.ovirt.vdsm.messaging.server.cli.ListenFailures;
import org.ovirt.vdsm.messaging.server.cli.PkiCheck;
import org.ovirt.vdsm.messaging.server.cli.PkiCommand;
import org.ovirt.vdsm.messaging.server.cli.ReloadOnHangup;
import org.ovirt.vdsm.messaging.server.cli.StartupFailure;
import org.ovirt.vdsm.messaging.server.cli.StopOnSignal;
import org.ovirt.vdsm.messaging.server.cli.SystemdNotify;
import org.ovirt.vdsm.messaging.server.cli.ValueSources;
import org.ovirt.vdsm.messaging.server.metrics.MetricsEndpoint;
import org.ovirt.vdsm.messaging.server.metrics.MetricsOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code vdsm-server}: runs the host service until it is stopped (SIGTERM, SIGINT; exit status 0),
 * reloading its TLS material on SIGHUP and when the files change,
 * with options from the command line over those of the configuration file ({@code --config}); and
 * {@code vdsm-server pki ...} for certificates. A start-up problem is one line on standard error
 * and an exit status of {@link ExitCodes}.
 */
@Command(
    name = "vdsm-server",
    mixinStandardHelpOptions = true,
    versionProvider = VdsmServerMain.Version.class,
    subcommands = PkiCommand.class,
    description =
        "Serves the VDSM host API as JSON-RPC 2.0 over STOMP 1.2, and as legacy XML-RPC over HTTP,"
            + " on one port, over mutual TLS. Every option can also be set in the configuration file"
            + " as 'name = value' (the option's name without dashes); the command line wins.")
public final class VdsmServerMain implements ConfigurableCommand {

  /** The options that are not configuration (and cannot be set in the file). */
  static final Set<String> NOT_IN_FILE = Set.of("help", "version", "config", "print-config");

  private static final int MAX_WORKERS = 1024;
  private static final long MAX_REQUEST_TIMEOUT_SECONDS = Duration.ofDays(1).toSeconds();
  private static final long MAX_TLS_RELOAD_INTERVAL_SECONDS = 3600;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: ${DEFAULT-VALUE}; a missing default file is fine, a missing file named here is an error).")
  Path config = org.ovirt.vdsm.messaging.server.cli.ConfigFile.DEFAULT;

  @Option(names = "--print-config", description = "Print the effective configuration and where each value comes from, then exit.")
  boolean printConfig;

  @Option(names = "--port", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = VdsmServerConfig.DEFAULT_PORT;

  @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind = "0.0.0.0";

  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      description =
          "PKI directory in VDSM's layout (certs/cacert.pem, certs/vdsmcert.pem, keys/vdsmkey.pem)"
              + " (default: ${DEFAULT-VALUE}). Nothing is generated there unless --dev-pki is given.")
  Path pkiDir = Path.of("/etc/pki/vdsm");

  @Option(
      names = "--dev-pki",
      arity = "0..1",
      description =
          "Development only: when the PKI directory holds no host certificate, create a development CA"
              + " in <pki-dir>-ca and host and engine certificates in the PKI directory. Refused below /etc/pki.")
  boolean devPki;

  @Option(
      names = "--crl",
      paramLabel = "FILE",
      description =
          "Certificate revocation list of the CA (PEM or DER): clients whose certificate it lists are"
              + " refused. Default: <pki-dir>/certs/cacrl.pem when it exists; a file named here must exist.")
  Path crl;

  @Option(
      names = "--tls-reload-interval",
      paramLabel = "SECONDS",
      description =
          "How often the certificate, key, CA and CRL files are checked; changed files are reloaded"
              + " for new connections (SIGHUP reloads at once). 0: only on SIGHUP; 0-3600 (default: ${DEFAULT-VALUE}).")
  long tlsReloadIntervalSeconds = TlsReloadSettings.DEFAULTS.pollInterval().toSeconds();

  @Option(
      names = "--tls",
      paramLabel = "required|optional|off",
      description =
          "required (mutual TLS), optional (TLS and plain TCP on the same port: the first bytes"
              + " decide) or off (plain TCP, development only) (default: required).",
      converter = TlsModeConverter.class)
  TlsMode tls = TlsMode.REQUIRED;

  @Option(
      names = "--xmlrpc",
      arity = "1",
      paramLabel = "on|off",
      description =
          "Serve the legacy XML-RPC API (POST /RPC2) on the same port; when off, XML-RPC requests"
              + " are answered 501 (default: on).",
      converter = OnOffConverter.class)
  OnOff xmlrpc = OnOff.ON;

  @Option(names = "--workers", description = "Worker threads of each subsystem (virt, storage, network, host), 1-1024 (default: ${DEFAULT-VALUE}).")
  int workers = 8;

  @Option(
      names = "--request-timeout",
      paramLabel = "SECONDS",
      description = "A call still running after this is answered with error -32000 and cancelled, 1-86400 (default: ${DEFAULT-VALUE}).")
  long requestTimeoutSeconds = VdsmServerConfig.DEFAULT_REQUEST_TIMEOUT.toSeconds();

  @Option(
      names = "--queue",
      paramLabel = "DESTINATION",
      split = ",",
      description = "A destination with queue semantics (each message to one subscriber, redelivered unless"
          + " acknowledged); repeatable, or comma-separated. Every other destination is a topic, as in VDSM.")
  List<String> queues = new ArrayList<>();

  @Option(
      names = "--api-strict",
      arity = "0..1",
      description = "Refuse the string forms of booleans and numbers that VDSM's own CLI sends"
          + " (\"true\", \"3\"), instead of accepting them (default: false).")
  boolean apiStrict;

  @CommandLine.Mixin
  BrokerOptions brokerMode = new BrokerOptions();

  @CommandLine.Mixin
  MetricsOptions metrics = new MetricsOptions();

  private ValueSources sources;
  private PrintStream out = System.out;

  @Override
  public Set<String> notInFile() {
    return NOT_IN_FILE;
  }

  @Override
  public void prepare(ValueSources valueSources, PrintStream output) {
    this.sources = valueSources;
    this.out = output;
  }

  @Override
  public Integer call() throws StartupFailure, InterruptedException {
    if (printConfig) {
      PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
      sources.print(writer);
      return ExitCodes.OK;
    }
    brokerMode.validate();
    VdsmServerConfig serverConfig = validatedConfig();
    Optional<InetSocketAddress> metricsAddress = metrics.address(sources);
    PrometheusMeterRegistry registry = metricsAddress.isPresent() ? MetricsOptions.newRegistry() : null;
    if (brokerMode.enabled()) {
      MetricsEndpoint endpoint = registry == null ? null : MetricsOptions.start(metricsAddress.get(), registry);
      try {
        if (endpoint != null) {
          out.println("vdsm-server metrics on " + endpoint.url());
        }
        return brokerMode.run(serverConfig, serverConfig.pki() != null ? serverConfig.pki() : new PkiLayout(pkiDir),
            new PrintWriter(out, true, StandardCharsets.UTF_8), registry);
      } catch (IOException | RuntimeException e) {
        throw ListenFailures.describe(e, bind, port);
      } finally {
        if (endpoint != null) {
          endpoint.close();
        }
      }
    }
    VdsmServer server = VdsmServer.withDefaultApi(serverConfig, SimulationSettings.defaults(), registry);
    InetSocketAddress bound;
    MetricsEndpoint endpoint = null;
    try {
      bound = server.start();
      if (registry != null) {
        endpoint = MetricsOptions.start(metricsAddress.get(), registry);
        server.closeWith(endpoint);
      }
    } catch (IOException | RuntimeException e) {
      server.close();
      throw ListenFailures.describe(e, bind, port);
    } catch (StartupFailure e) {
      server.close();
      throw e;
    }
    if (server.tls().isPresent()) {
      ReloadOnHangup.install(server::reloadTls);
    }
    String listening = "listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort();
    out.println("vdsm-server " + listening);
    if (endpoint != null) {
      out.println("vdsm-server metrics on " + endpoint.url());
    }
    out.flush();
    SystemdNotify.ready(listening);
    StopOnSignal.run(server::drainAndClose, "vdsm-server");
    return ExitCodes.OK;
  }

  /** The configuration these options describe, after every check that can fail before binding. */
  VdsmServerConfig validatedConfig() throws StartupFailure {
    if (port < 0 || port > 65535) {
      throw sources.invalid("port", "out of range: use 1-65535, or 0 for a free port");
    }
    if (workers < 1 || workers > MAX_WORKERS) {
      throw sources.invalid("workers", "use 1-" + MAX_WORKERS + " worker threads per subsystem");
    }
    if (requestTimeoutSeconds < 1 || requestTimeoutSeconds > MAX_REQUEST_TIMEOUT_SECONDS) {
      throw sources.invalid("request-timeout", "use 1-" + MAX_REQUEST_TIMEOUT_SECONDS + " seconds");
    }
    if (tlsReloadIntervalSeconds < 0 || tlsReloadIntervalSeconds > MAX_TLS_RELOAD_INTERVAL_SECONDS) {
      throw sources.invalid("tls-reload-interval", "use 0 (only on SIGHUP) to " + MAX_TLS_RELOAD_INTERVAL_SECONDS + " seconds");
    }
    try {
      InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new StartupFailure(ExitCodes.UNAVAILABLE,
          "cannot resolve the --bind address '" + bind + "'" + sources.from("bind")
              + ": use an IP address of this host, a name that resolves to one, or 0.0.0.0 for all");
    }
    PkiLayout pki = null;
    if (tls != TlsMode.OFF) {
      if (devPki) {
        List<String> names = bind.equals("0.0.0.0") || bind.equals("::") ? List.of() : List.of(bind);
        String created = DevPkiSetup.ensure(pkiDir, PkiCommand.localHostName(), names);
        if (created != null) {
          out.println(created);
        }
      }
      pki = new PkiLayout(pkiDir.toAbsolutePath().normalize());
      PkiCheck.requireHostMaterial(pki);
      PkiCheck.requireUsableCrl(pki, crl);
    }
    TlsReloadSettings tlsReload = TlsReloadSettings.DEFAULTS
        .withCrl(crl == null ? null : crl.toAbsolutePath().normalize())
        .withPollInterval(Duration.ofSeconds(tlsReloadIntervalSeconds));
    return (pki == null ? VdsmServerConfig.plain(bind, port) : VdsmServerConfig.tls(bind, port, pki).withTlsMode(tls))
        .withWorkerThreads(workers)
        .withRequestTimeout(Duration.ofSeconds(requestTimeoutSeconds))
        .withBroker(BrokerConfig.DEFAULTS.withQueues(Set.copyOf(queues)))
        .withXmlRpcEnabled(xmlrpc == OnOff.ON)
        .withApiStrict(apiStrict)
        .withTlsReload(tlsReload);
  }

  /** picocli's version text. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vdsm-server " + VdsmServer.version()};
    }
  }

  /** Parses {@code required|optional|off}, case insensitive. */
  static final class TlsModeConverter implements CommandLine.ITypeConverter<TlsMode> {
    @Override
    public TlsMode convert(String value) {
      try {
        return TlsMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** A switch given as {@code on} or {@code off}. */
  enum OnOff {
    ON,
    OFF
  }

  /** Parses {@code on|off}, case insensitive. */
  static final class OnOffConverter implements CommandLine.ITypeConverter<OnOff> {
    @Override
    public OnOff convert(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "on" -> OnOff.ON;
        case "off" -> OnOff.OFF;
        default -> throw new CommandLine.TypeConversionException("expected on or off, got '" + value + "'");
      };
    }
  }

  /**
   * Runs {@code args} as {@code vdsm-server} does, writing to {@code out} and {@code err}.
   *
   * @return the exit status (the server itself only returns when it cannot start)
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLineRunner.run(new VdsmServerMain(), args, out, err);
  }

  public static void main(String[] args) {
    LeakDetectionDefault.apply(); // before the first buffer: the service's default, see the class
    System.exit(run(args, System.out, System.err));
  }
}

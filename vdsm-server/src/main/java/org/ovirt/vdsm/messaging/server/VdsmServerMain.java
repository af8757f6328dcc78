package org.ovirt.vdsm.messaging.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar vdsm-server.jar}: runs the host service until it is stopped (SIGINT/SIGTERM). */
@Command(
    name = "vdsm-server",
    mixinStandardHelpOptions = true,
    versionProvider = VdsmServerMain.Version.class,
    description =
        "Serves the VDSM host API as JSON-RPC 2.0 over STOMP 1.2, and as legacy XML-RPC over HTTP,"
            + " on one port, over mutual TLS.")
public final class VdsmServerMain implements Callable<Integer> {

  @Option(names = "--port", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = VdsmServerConfig.DEFAULT_PORT;

  @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind = "0.0.0.0";

  @Option(
      names = "--pki-dir",
      description =
          "PKI directory in VDSM's layout (certs/cacert.pem, certs/vdsmcert.pem, keys/vdsmkey.pem)."
              + " When it holds no host certificate, a new CA with host and engine certificates is"
              + " created there (default: ${DEFAULT-VALUE}).")
  Path pkiDir = Path.of("/etc/pki/vdsm");

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

  @Option(names = "--workers", description = "Worker threads of each subsystem (virt, storage, network, host) (default: ${DEFAULT-VALUE}).")
  int workers = 8;

  @Option(
      names = "--request-timeout",
      paramLabel = "SECONDS",
      description = "A call still running after this is answered with error -32000 and cancelled (default: ${DEFAULT-VALUE}).")
  long requestTimeoutSeconds = VdsmServerConfig.DEFAULT_REQUEST_TIMEOUT.toSeconds();

  @Option(
      names = "--queue",
      paramLabel = "DESTINATION",
      description = "A destination with queue semantics (each message to one subscriber, redelivered unless"
          + " acknowledged); repeatable. Every other destination is a topic, as in VDSM.")
  List<String> queues = new ArrayList<>();

  @CommandLine.Mixin
  org.ovirt.vdsm.messaging.server.brokered.BrokerOptions brokerMode = new org.ovirt.vdsm.messaging.server.brokered.BrokerOptions();

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = new PrintWriter(System.out, true);
    brokerMode.validate();
    PkiLayout pki = null;
    if (tls != TlsMode.OFF) {
      pki = new PkiLayout(pkiDir);
      if (!pki.hasHostMaterial() && !brokerMode.enabled()) {
        String hostName = InetAddress.getLocalHost().getHostName();
        List<String> addresses = new ArrayList<>();
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
          addresses.add(bind);
        }
        DevelopmentPki.generate(pkiDir, hostName, addresses, KeyType.RSA_2048);
        out.println("created a new CA, host and engine certificates in " + pkiDir.toAbsolutePath());
      }
    }
    VdsmServerConfig config =
        (pki == null ? VdsmServerConfig.plain(bind, port) : VdsmServerConfig.tls(bind, port, pki).withTlsMode(tls))
            .withWorkerThreads(workers)
            .withRequestTimeout(java.time.Duration.ofSeconds(requestTimeoutSeconds))
            .withBroker(BrokerConfig.DEFAULTS.withQueues(java.util.Set.copyOf(queues)))
            .withXmlRpcEnabled(xmlrpc == OnOff.ON);
    if (brokerMode.enabled()) {
      return brokerMode.run(config, pki == null ? new PkiLayout(pkiDir) : pki, out);
    }
    VdsmServer server = VdsmServer.withDefaultApi(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "vdsm-server-shutdown"));
    InetSocketAddress bound = server.start();
    out.println("vdsm-server listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
    stopped.await();
    return 0;
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
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "on" -> OnOff.ON;
        case "off" -> OnOff.OFF;
        default -> throw new CommandLine.TypeConversionException("expected on or off, got '" + value + "'");
      };
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new VdsmServerMain()).execute(args));
  }
}

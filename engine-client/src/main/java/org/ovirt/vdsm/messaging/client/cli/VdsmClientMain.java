package org.ovirt.vdsm.messaging.client.cli;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.schema.MethodSchema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vdsm-client}: calls one host API method and prints the result as JSON, or streams the
 * host's events as JSON lines; with {@code --help} after a namespace or a method, describes them
 * from the bundled API schema. Shaped like VDSM's own tool: {@code vdsm-client [options] Namespace
 * method [name=value ...]}. Every user error is one line on standard error with an exit code of
 * {@link ExitCodes}.
 */
@Command(
    name = "vdsm-client",
    versionProvider = VdsmClientMain.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Calls a VDSM host API method over JSON-RPC/STOMP with mutual TLS and prints the result as JSON,",
      "or, with --events, prints the host's events as JSON lines until interrupted."
    },
    footer = {
      "",
      "Examples:",
      "  vdsm-client Host getCapabilities",
      "  vdsm-client VM                      (lists the methods of VM)",
      "  vdsm-client VM destroy --help       (describes a method and its parameters)",
      "  vdsm-client --host host1 VM getStats vmID=6ec3c5c2-8d2a-4f17-9b6e-0a3d4d0f4c1a",
      "  vdsm-client -f create.json VM create",
      "  vdsm-client --events '*|virt|VM_status|*'",
      "  vdsm-client --metrics 9100           (a summary of the metrics of vdsm-server --metrics-port 9100)",
      "",
      "Exit codes: 0 success, also an event stream stopped by SIGINT or SIGTERM;",
      "  1 JSON-RPC error from the host; 2 no answer (connection, TLS, timeout);",
      "  64 bad usage; 65 malformed -f file; 66 missing -f file;",
      "  78 local configuration (PKI files missing, unreadable or expired)."
    })
public final class VdsmClientMain implements Callable<Integer> {
  /** Exit code of a JSON-RPC error answer ({@link ExitCodes#RPC_ERROR}). */
  public static final int EXIT_RPC_ERROR = ExitCodes.RPC_ERROR;
  /** Exit code of a connection, TLS or timeout failure ({@link ExitCodes#NO_ANSWER}). */
  public static final int EXIT_CONNECTION = ExitCodes.NO_ANSWER;
  /** Exit code of bad usage ({@link ExitCodes#USAGE}). */
  public static final int EXIT_USAGE = ExitCodes.USAGE;

  @Option(names = {"-a", "--host"}, paramLabel = "HOST", description = "Host name or address to connect to (default: ${DEFAULT-VALUE}).")
  String host = "localhost";

  @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port (default: ${DEFAULT-VALUE}).")
  int port = 54321;

  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      description = {
        "PKI directory in VDSM's layout (default: ${DEFAULT-VALUE}): certs/cacert.pem and the engine's",
        "certs/enginecert.pem, keys/enginekey.pem, or on a host its own certs/vdsmcert.pem, keys/vdsmkey.pem."
      })
  Path pkiDir = Path.of("/etc/pki/vdsm");

  @Option(names = "--tls", paramLabel = "MODE", description = "required or off (default: ${DEFAULT-VALUE}).")
  String tls = "required";

  @Option(
      names = "--insecure",
      description = "Do not check the host certificate against the host name (the CA is still checked). Dangerous.")
  boolean insecure;

  @Option(names = "--xmlrpc", description = "Use the legacy XML-RPC transport (POST /RPC2) instead of JSON-RPC/STOMP.")
  boolean xmlrpc;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Seconds to wait for the connection and the answer (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 60;

  @Option(names = "--flow-id", paramLabel = "ID", description = "Flow id sent as ovirtCorrelationId (FlowID over XML-RPC).")
  String flowId;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Read the params from a JSON file (an object, or an array for positional params); - for standard input.")
  String paramsFile;

  @Option(
      names = "--events",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "PATTERN",
      description = {
        "Print the host's events as JSON lines until interrupted. PATTERN is receiver|subsystem|event|id,",
        "* matching any one part (default: <host>|*|*|*)."
      })
  String events;

  @Option(
      names = "--unchecked",
      description = "Send a method or params the bundled API schema does not know (a host with a newer API).")
  boolean unchecked;

  @Option(names = {"-v", "--verbose"}, description = "Say which certificate is presented, and the cause of a failure.")
  boolean verbose;

  @Option(names = {"-h", "--help"}, description = "Show this help; after NAMESPACE [METHOD], describe them.")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
  boolean version;
  @Option(names = "--broker", paramLabel = "URL", description = {
      "Reach the host through an external broker (Artemis, RabbitMQ): stomp+ssl://HOST:PORT",
      "(stomp://HOST:PORT plaintext, development only); repeat for a cluster, tried in order."})
  List<String> brokers = new ArrayList<>();

  @Option(names = "--metrics", paramLabel = "URL", description = {
      "Print a summary of a host's metrics (vdsm-server --metrics-port) instead of calling: URL is",
      "http://HOST:PORT/metrics, HOST:PORT or PORT (on 127.0.0.1)."})
  String metrics;

  @Option(names = "--host-id", paramLabel = "ID", description = "With --broker: the id of the host to call.")
  String hostId;

  @Option(names = "--engine-id", paramLabel = "ID", description = "With --broker: the engine id of the reply queue (default: vdsm-client-<random>).")
  String engineId;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE", description = "API namespace, e.g. Host.")
  String namespace;

  @Parameters(index = "1", arity = "0..1", paramLabel = "METHOD", description = "Method, e.g. getCapabilities.")
  String method;

  @Parameters(
      index = "2..*",
      paramLabel = "NAME=VALUE",
      description = "Parameters; a value that parses as JSON is passed as JSON, any other as a string.")
  List<String> params = new ArrayList<>();

  @Spec CommandSpec spec;

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;
  private final ApiHelp api = new ApiHelp(ApiSchema.vdsm());
  private BrokerTarget viaBroker;
  /** Set when an event stream ended because it was asked to (interrupted): the JVM then exits 0. */
  private volatile boolean stoppedOnRequest;

  VdsmClientMain(PrintStream out, PrintStream err, InputStream in) {
    this.out = out;
    this.err = err;
    this.in = in;
  }

  @Override
  public Integer call() {
    try {
      return execute();
    } catch (CliException e) {
      err.println("vdsm-client: " + e.getMessage());
      if (e.exitCode() == ExitCodes.USAGE) {
        err.println("Try 'vdsm-client --help' for more information.");
      }
      return e.exitCode();
    }
  }

  private int execute() throws CliException {
    if (help || (namespace != null && method == null && events == null)) {
      out.print(helpText());
      out.flush();
      return ExitCodes.OK;
    }
    checkOptions();
    if (metrics != null) {
      if (namespace != null || events != null) {
        throw CliException.usage("--metrics takes no NAMESPACE METHOD and no --events");
      }
      return MetricsSummary.print(MetricsSummary.target(metrics), Duration.ofSeconds(timeoutSeconds), out);
    }
    if (events == null && namespace == null) {
      throw CliException.usage("give NAMESPACE and METHOD, e.g. Host getCapabilities (or --events); 'vdsm-client --help' lists them");
    }
    JsonElement callParams = null;
    if (events == null) {
      MethodSchema schema = unchecked ? null : api.method(namespace, method);
      callParams = CallParams.build(schema, params, paramsFile, in);
    }
    ClientIdentity identity = "off".equalsIgnoreCase(tls) ? null : ClientIdentity.choose(pkiDir, Instant.now());
    if (identity != null && verbose) {
      err.println("vdsm-client: " + identity.describe());
    }
    if (insecure) {
      err.println("*****************************************************************************");
      err.println("WARNING: --insecure: the host certificate is NOT checked against the host name.");
      err.println("WARNING: anyone holding a certificate of this CA can impersonate " + host + ".");
      err.println("*****************************************************************************");
    }
    HostSession session = new HostSession(host, port, viaBroker, timeoutSeconds, identity, verbose, out, err);
    try (EngineLayoutView view = identity == null ? null : EngineLayoutView.of(identity, pkiDir);
        EngineClientFactory factory = HostSession.factory(view, Duration.ofSeconds(timeoutSeconds), !insecure)) {
      return events != null
          ? session.streamEvents(factory, events, () -> stoppedOnRequest = true)
          : session.callOnce(factory, xmlrpc, namespace + "." + method, callParams, flowId);
    } catch (IOException e) {
      throw new CliException(ExitCodes.CONFIG, "cannot use the TLS material in " + pkiDir + ": " + e.getMessage());
    }
  }

  private void checkOptions() throws CliException {
    if (!"off".equalsIgnoreCase(tls) && !"required".equalsIgnoreCase(tls)) {
      throw CliException.usage("--tls must be required or off, not '" + tls + "'");
    }
    if (timeoutSeconds < 1) {
      throw CliException.usage("--timeout must be at least 1 second");
    }
    if (port < 1 || port > 65535) {
      throw CliException.usage("--port must be between 1 and 65535, not " + port);
    }
    if (events != null && xmlrpc) {
      throw CliException.usage("--events needs JSON-RPC/STOMP; the legacy XML-RPC transport has no events");
    }
    if (events != null && namespace != null) {
      throw CliException.usage("--events takes no NAMESPACE METHOD");
    }
    if (!brokers.isEmpty() || hostId != null) {
      if (xmlrpc) {
        throw CliException.usage("--broker needs JSON-RPC/STOMP, not --xmlrpc");
      }
      try {
        viaBroker = BrokerTarget.of(brokers, hostId, engineId, !"off".equalsIgnoreCase(tls));
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      }
    }
  }

  private String helpText() throws CliException {
    if (namespace == null) {
      StringBuilder text = new StringBuilder(spec.commandLine().getUsageMessage());
      text.append(System.lineSeparator());
      api.namespaceSection().forEach(line -> text.append(line).append(System.lineSeparator()));
      return text.toString();
    }
    if (method == null) {
      return api.namespaceHelp(namespace);
    }
    return api.methodHelp(api.method(namespace, method));
  }

  /** picocli's version text. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vdsm-client " + org.ovirt.vdsm.messaging.Version.get()};
    }
  }

  /** Runs the tool with {@code args}, printing to the given streams, and returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.in);
  }

  /** As {@link #run(String[], PrintStream, PrintStream)} with {@code in} as standard input ({@code -f -}). */
  public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
    return execute(new VdsmClientMain(out, err, in), args);
  }

  private static int execute(VdsmClientMain command, String[] args) {
    CommandLine cl = new CommandLine(command);
    PrintWriter errWriter = new PrintWriter(command.err, true, StandardCharsets.UTF_8);
    cl.setOut(new PrintWriter(command.out, true, StandardCharsets.UTF_8));
    cl.setErr(errWriter);
    cl.setParameterExceptionHandler((e, arguments) -> {
      errWriter.println("vdsm-client: " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, errWriter);
      errWriter.println("Try 'vdsm-client --help' for more information.");
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      errWriter.println("vdsm-client: internal error: " + e + (command.verbose ? "" : " (-v shows where)"));
      if (command.verbose) {
        e.printStackTrace(errWriter);
      }
      return ExitCodes.SOFTWARE;
    });
    return cl.execute(args);
  }

  /**
   * The command-line entry. SIGINT or SIGTERM interrupt the main thread: an event stream then ends
   * normally, closes its connection (UNSUBSCRIBE, DISCONNECT) and the process exits 0; a call in
   * progress is abandoned and the process ends as the signal says (130, 143).
   */
  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "vdsm-client-logback.xml");
    }
    VdsmClientMain command = new VdsmClientMain(System.out, System.err, System.in);
    Thread main = Thread.currentThread();
    Thread hook = new Thread(() -> {
      main.interrupt();
      try {
        main.join(5_000);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
      if (command.stoppedOnRequest && !main.isAlive()) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(ExitCodes.OK); // a requested stop that ended cleanly is a success
      }
    }, "vdsm-client-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int exit = execute(command, args);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return; // a signal: the hook decides the exit status (System.exit here would block until it ends)
    }
    System.exit(exit);
  }
}

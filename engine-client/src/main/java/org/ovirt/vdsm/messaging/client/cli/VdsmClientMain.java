package org.ovirt.vdsm.messaging.client.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vdsm-client}: calls one host API method and prints the result as JSON, or streams the
 * host's events as JSON lines. Shaped like VDSM's own tool: {@code vdsm-client [options] Namespace
 * method [name=value ...]}.
 *
 * <p>Exit codes: 0 success; 1 the host answered with a JSON-RPC error (printed on standard error);
 * 2 the host could not be reached or the connection failed (TLS, refused, lost, timeout); 64 bad
 * usage.
 */
@Command(
    name = "vdsm-client",
    mixinStandardHelpOptions = true,
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
      "  vdsm-client --host host1 VM getStats vmID=6ec3c5c2-8d2a-4f17-9b6e-0a3d4d0f4c1a",
      "  vdsm-client -f create.json VM create",
      "  vdsm-client --events '*|virt|VM_status|*'",
      "",
      "Exit codes: 0 success, 1 JSON-RPC error from the host, 2 connection or timeout failure, 64 bad usage."
    },
    exitCodeOnInvalidInput = 64,
    exitCodeOnExecutionException = 2)
public final class VdsmClientMain implements Callable<Integer> {
  /** Exit code of a JSON-RPC error answer. */
  public static final int EXIT_RPC_ERROR = 1;
  /** Exit code of a connection, TLS or timeout failure. */
  public static final int EXIT_CONNECTION = 2;
  /** Exit code of bad usage. */
  public static final int EXIT_USAGE = 64;

  @Option(names = "--host", paramLabel = "HOST", description = "Host name or address to connect to (default: ${DEFAULT-VALUE}).")
  String host = "localhost";

  @Option(names = "--port", paramLabel = "PORT", description = "Port (default: ${DEFAULT-VALUE}).")
  int port = 54321;

  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      description = "PKI directory with certs/cacert.pem, certs/enginecert.pem, keys/enginekey.pem (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--broker", paramLabel = "URL", description = {
      "Reach the host through an external broker (Artemis, RabbitMQ): stomp+ssl://HOST:PORT",
      "(stomp://HOST:PORT plaintext, development only); repeat for a cluster, tried in order."})
  List<String> brokers = new ArrayList<>();

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

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;

  VdsmClientMain(PrintStream out, PrintStream err, InputStream in) {
    this.out = out;
    this.err = err;
    this.in = in;
  }

  @Override
  public Integer call() throws Exception {
    if (!"off".equalsIgnoreCase(tls) && !"required".equalsIgnoreCase(tls)) {
      return usage("--tls must be required or off");
    }
    if (timeoutSeconds < 1) {
      return usage("--timeout must be at least 1 second");
    }
    if (events != null) {
      if (xmlrpc) {
        return usage("--events needs JSON-RPC/STOMP; the legacy XML-RPC transport has no events");
      }
      if (namespace != null) {
        return usage("--events takes no NAMESPACE METHOD");
      }
    } else if (namespace == null || method == null) {
      return usage("give NAMESPACE and METHOD, e.g. Host getCapabilities (or --events)");
    }
    JsonElement callParams;
    BrokerTarget viaBroker = null;
    try {
      if (!brokers.isEmpty() || hostId != null) {
        if (xmlrpc) {
          return usage("--broker needs JSON-RPC/STOMP, not --xmlrpc");
        }
        viaBroker = BrokerTarget.of(brokers, hostId, engineId, !"off".equalsIgnoreCase(tls));
      }
      callParams = events == null ? buildParams() : null;
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    if (insecure) {
      err.println("*****************************************************************************");
      err.println("WARNING: --insecure: the host certificate is NOT checked against the host name.");
      err.println("WARNING: anyone holding a certificate of this CA can impersonate " + host + ".");
      err.println("*****************************************************************************");
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    EngineClientFactory.Builder builder =
        EngineClientFactory.builder()
            .defaultTimeout(timeout)
            .connectTimeout(timeout)
            .verifyHostName(!insecure)
            .reconnect(ReconnectPolicy.NEVER)
            .whileDisconnected(WhileDisconnected.FAIL_FAST)
            .workerThreads(1)
            .ioThreads(1);
    if ("off".equalsIgnoreCase(tls)) {
      builder.plaintext();
    } else {
      builder.pki(new PkiLayout(pkiDir));
    }
    try (EngineClientFactory factory = builder.build()) {
      if (xmlrpc) {
        return printResult(factory.openXmlRpc(host, port), callParams);
      }
      HostClient client = viaBroker != null
          ? viaBroker.connect(factory, timeout)
          : factory.connect(host, port).get(timeoutSeconds + 5, TimeUnit.SECONDS);
      try {
        return events != null ? streamEvents(client) : printResult(client, callParams);
      } finally {
        client.disconnect(Duration.ofSeconds(2));
      }
    } catch (ExecutionException e) {
      return failure(e.getCause());
    } catch (TimeoutException e) {
      err.println("vdsm-client: cannot connect to " + (viaBroker != null ? viaBroker.describe() : host + ":" + port) + ": timed out");
      return EXIT_CONNECTION;
    } catch (IOException e) {
      err.println("vdsm-client: cannot read the TLS material in " + pkiDir + ": " + e.getMessage());
      return EXIT_CONNECTION;
    }
  }

  private int printResult(HostClient client, JsonElement callParams) throws InterruptedException {
    RpcCall rpc = RpcCall.of(namespace + "." + method, callParams).withFlowId(flowId);
    try {
      JsonElement result = client.call(rpc).get(timeoutSeconds + 5, TimeUnit.SECONDS);
      out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(result));
      out.flush();
      return 0;
    } catch (ExecutionException e) {
      return failure(e.getCause());
    } catch (TimeoutException e) {
      err.println("vdsm-client: no answer from " + client.name() + " within " + timeoutSeconds + " s");
      return EXIT_CONNECTION;
    }
  }

  /** Prints every matching event as one JSON line until interrupted (0) or the connection goes (2). */
  private int streamEvents(HostClient client) {
    String pattern = events.isEmpty() ? client.host() + "|*|*|*" : events;
    Gson compact = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    CompletableFuture<VdsmClientException> lost = new CompletableFuture<>();
    client.addStateListener((c, state, cause) -> {
      if (state == HostClient.State.DISCONNECTED || state == HostClient.State.CLOSED) {
        lost.complete(cause);
      }
    });
    EventSubscription subscription;
    try {
      subscription = client.subscribe(pattern, (HostEvent e) -> {
        JsonObject line = new JsonObject();
        line.addProperty("event", e.id());
        line.add("params", e.params());
        synchronized (out) {
          out.println(compact.toJson(line));
          out.flush();
        }
      });
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    if (client.state() != HostClient.State.CONNECTED) {
      lost.complete(null);
    }
    try {
      VdsmClientException cause = lost.get();
      err.println("vdsm-client: connection to " + client.name() + " lost"
          + (cause == null ? "" : ": " + cause.getMessage()));
      return EXIT_CONNECTION;
    } catch (InterruptedException e) {
      // Interrupted (Ctrl-C, or the caller): a normal end of the stream.
      return 0;
    } catch (ExecutionException e) {
      return failure(e.getCause());
    } finally {
      subscription.cancel();
    }
  }

  private JsonElement buildParams() {
    JsonElement fromFile = paramsFile == null ? null : readParamsFile();
    JsonObject named = parseParams(params);
    if (fromFile == null) {
      return named;
    }
    if (fromFile.isJsonArray()) {
      if (named.size() > 0) {
        throw new IllegalArgumentException("name=value params cannot be added to positional params from " + paramsFile);
      }
      return fromFile;
    }
    JsonObject merged = fromFile.getAsJsonObject().deepCopy();
    for (Map.Entry<String, JsonElement> e : named.entrySet()) {
      merged.add(e.getKey(), e.getValue());
    }
    return merged;
  }

  private JsonElement readParamsFile() {
    String text;
    try {
      text = "-".equals(paramsFile)
          ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(paramsFile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + paramsFile + ": " + e.getMessage());
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(paramsFile + " is not JSON: " + e.getMessage());
    }
    if (!parsed.isJsonObject() && !parsed.isJsonArray()) {
      throw new IllegalArgumentException(paramsFile + " must hold a JSON object or array");
    }
    return parsed;
  }

  private int usage(String message) {
    err.println("vdsm-client: " + message);
    err.println("Try 'vdsm-client --help' for more information.");
    return EXIT_USAGE;
  }

  private int failure(Throwable cause) {
    if (cause instanceof JsonRpcErrorException rpc) {
      err.println("vdsm-client: error " + rpc.code() + ": " + rpc.error().message());
      return EXIT_RPC_ERROR;
    }
    if (cause instanceof VdsmClientException failure) {
      err.println("vdsm-client: " + failure.getMessage());
      return EXIT_CONNECTION;
    }
    err.println("vdsm-client: " + cause);
    return EXIT_CONNECTION;
  }

  /** {@code name=value} pairs to a params object; values that are JSON stay JSON. */
  static JsonObject parseParams(List<String> pairs) {
    JsonObject named = new JsonObject();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("parameters are name=value, got '" + pair + "'");
      }
      named.add(pair.substring(0, eq), value(pair.substring(eq + 1)));
    }
    return named;
  }

  private static JsonElement value(String text) {
    try {
      return JsonParser.parseString(text);
    } catch (JsonParseException e) {
      return new JsonPrimitive(text);
    }
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
    CommandLine cl = new CommandLine(new VdsmClientMain(out, err, in));
    cl.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    return cl.execute(args);
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "vdsm-client-logback.xml");
    }
    // Ctrl-C: interrupt the main thread (an event stream ends normally) and let it close the
    // connection cleanly, for at most three seconds.
    Thread main = Thread.currentThread();
    Thread hook = new Thread(() -> {
      main.interrupt();
      try {
        main.join(3_000);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    }, "vdsm-client-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int exit = run(args, System.out, System.err);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return; // Ctrl-C: the JVM is already exiting (System.exit here would block until the hook ends)
    }
    System.exit(exit);
  }
}

package org.ovirt.vdsm.messaging.client.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vdsm-client}: calls one host API method and prints the result as JSON, shaped like VDSM's
 * own tool: {@code vdsm-client [options] Namespace method [name=value ...]}.
 *
 * <p>Exit codes: 0 success; 1 the host answered with a JSON-RPC error (printed on standard error);
 * 2 the host could not be reached or the connection failed (TLS, refused, lost, timeout); 64 bad
 * usage.
 */
@Command(
    name = "vdsm-client",
    mixinStandardHelpOptions = true,
    versionProvider = VdsmClientMain.Version.class,
    description = "Calls a VDSM host API method over JSON-RPC/STOMP with mutual TLS and prints the result as JSON.",
    exitCodeOnInvalidInput = 64,
    exitCodeOnExecutionException = 2)
public final class VdsmClientMain implements Callable<Integer> {
  /** Exit code of a JSON-RPC error answer. */
  public static final int EXIT_RPC_ERROR = 1;
  /** Exit code of a connection, TLS or timeout failure. */
  public static final int EXIT_CONNECTION = 2;

  @Option(names = "--host", description = "Host to connect to (default: ${DEFAULT-VALUE}).")
  String host = "localhost";

  @Option(names = "--port", description = "Port (default: ${DEFAULT-VALUE}).")
  int port = 54321;

  @Option(
      names = "--pki-dir",
      description = "PKI directory with certs/cacert.pem, certs/enginecert.pem, keys/enginekey.pem (default: ${DEFAULT-VALUE}).")
  Path pkiDir = Path.of("/etc/pki/vdsm");

  @Option(names = "--tls", description = "required or off (default: ${DEFAULT-VALUE}).")
  String tls = "required";

  @Option(names = "--timeout", description = "Seconds to wait for the answer (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 60;

  @Option(names = "--flow-id", description = "Flow id sent as ovirtCorrelationId.")
  String flowId;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "API namespace, e.g. Host.")
  String namespace;

  @Parameters(index = "1", paramLabel = "METHOD", description = "Method, e.g. getCapabilities.")
  String method;

  @Parameters(
      index = "2..*",
      paramLabel = "NAME=VALUE",
      description = "Parameters; a value that parses as JSON is passed as JSON, any other as a string.")
  List<String> params = new ArrayList<>();

  private final PrintStream out;
  private final PrintStream err;

  VdsmClientMain(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    JsonObject named;
    try {
      named = parseParams(params);
    } catch (IllegalArgumentException e) {
      err.println("vdsm-client: " + e.getMessage());
      return 64;
    }
    EngineClientFactory.Builder builder = EngineClientFactory.builder().defaultTimeout(Duration.ofSeconds(timeoutSeconds));
    if ("off".equalsIgnoreCase(tls)) {
      builder.plaintext();
    } else if ("required".equalsIgnoreCase(tls)) {
      builder.pki(new PkiLayout(pkiDir));
    } else {
      err.println("vdsm-client: --tls must be required or off");
      return 64;
    }
    try (EngineClientFactory factory = builder.build();
        HostClient client = factory.connect(host, port).get()) {
      JsonElement result =
          client.call(namespace + "." + method, named, Duration.ofSeconds(timeoutSeconds), flowId).get();
      out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(result));
      return 0;
    } catch (ExecutionException e) {
      return failure(e.getCause());
    } catch (java.io.IOException e) {
      err.println("vdsm-client: cannot read the TLS material in " + pkiDir + ": " + e.getMessage());
      return EXIT_CONNECTION;
    }
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
    CommandLine cl = new CommandLine(new VdsmClientMain(out, err));
    cl.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    return cl.execute(args);
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "vdsm-client-logback.xml");
    }
    System.exit(run(args, System.out, System.err));
  }
}

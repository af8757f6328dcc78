package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.EngineClientBuilder;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.VdsmClientException;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;

/**
 * What {@code vdsm-client} does with a host once its options are checked: a client factory made
 * for one call (no reconnect, calls fail at once without a connection), the connection (direct, or
 * through a broker), then one call printed as JSON or an event stream. Every failure becomes one
 * line with its exit code ({@link CliException}); with {@code verbose} the cause chain is printed.
 */
final class HostSession {
  private final String host;
  private final int port;
  private final BrokerTarget viaBroker;
  private final long timeoutSeconds;
  private final ClientIdentity identity;
  private final boolean verbose;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param viaBroker the broker the host is reached through, {@code null} for a direct connection
   * @param timeoutSeconds how long the connection and the answer may take
   * @param identity the certificate presented, {@code null} without TLS
   */
  HostSession(String host, int port, BrokerTarget viaBroker, long timeoutSeconds, ClientIdentity identity,
      boolean verbose, PrintStream out, PrintStream err) {
    this.host = requireNonNull(host, "host");
    this.port = port;
    this.viaBroker = viaBroker;
    this.timeoutSeconds = timeoutSeconds;
    this.identity = identity;
    this.verbose = verbose;
    this.out = requireNonNull(out, "out");
    this.err = requireNonNull(err, "err");
  }

  /**
   * The factory of one run: TLS from {@code view} ({@code null}: plaintext), the timeout for the
   * connection and the answer, no reconnect, one thread of each kind.
   */
  static EngineClientFactory factory(EngineLayoutView view, Duration timeout, boolean verifyHostName) throws IOException {
    EngineClientBuilder builder =
        EngineClientFactory.builder()
            .defaultTimeout(timeout)
            .connectTimeout(timeout)
            .verifyHostName(verifyHostName)
            .reconnect(ReconnectPolicy.NEVER)
            .whileDisconnected(WhileDisconnected.FAIL_FAST)
            .workerThreads(1)
            .ioThreads(1)
            .tlsReloadInterval(Duration.ZERO); // one call: nothing to reload
    if (view == null) {
      builder.plaintext();
    } else {
      builder.pki(view.layout());
    }
    return builder.build();
  }

  /** Calls {@code method} once (over XML-RPC when {@code xmlrpc}) and prints the result as JSON. */
  int callOnce(EngineClientFactory factory, boolean xmlrpc, String method, JsonElement params, String flowId)
      throws CliException, IOException {
    HostClient client = xmlrpc ? factory.openXmlRpc(host, port) : connect(factory);
    RpcCall rpc = RpcCall.of(method, params).withFlowId(flowId);
    try {
      JsonElement result = client.call(rpc).get(timeoutSeconds + 5, TimeUnit.SECONDS);
      out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(result));
      out.flush();
      return ExitCodes.OK;
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (TimeoutException e) {
      throw new CliException(ExitCodes.NO_ANSWER, "no answer from " + client.name() + " within " + timeoutSeconds + " s");
    } catch (InterruptedException e) {
      throw new CliException(ExitCodes.NO_ANSWER, "interrupted before " + client.name() + " answered");
    } finally {
      client.disconnect(Duration.ofSeconds(2));
    }
  }

  /**
   * Prints the events matching {@code pattern} (empty: every event of the host) until interrupted;
   * {@code stopped} runs when the stream ended as asked, before the connection closes.
   */
  int streamEvents(EngineClientFactory factory, String pattern, Runnable stopped) throws CliException {
    HostClient client = connect(factory);
    try {
      String everything = (viaBroker != null ? client.host() : host) + "|*|*|*";
      int exit = new EventStream(client, pattern.isEmpty() ? everything : pattern, out).run();
      stopped.run();
      return exit;
    } finally {
      client.disconnect(Duration.ofSeconds(2));
    }
  }

  private HostClient connect(EngineClientFactory factory) throws CliException {
    String target = viaBroker != null ? viaBroker.describe() : host + ":" + port;
    try {
      return viaBroker != null
          ? viaBroker.connect(factory, Duration.ofSeconds(timeoutSeconds))
          : factory.connect(host, port).get(timeoutSeconds + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (TimeoutException e) {
      throw new CliException(ExitCodes.NO_ANSWER, "cannot connect to " + target + ": timed out");
    } catch (InterruptedException e) {
      throw new CliException(ExitCodes.NO_ANSWER, "interrupted while connecting to " + target);
    }
  }

  /** The one-line failure of a call or connection, with its exit code. */
  private CliException failure(Throwable cause) {
    if (cause instanceof JsonRpcErrorException rpc) {
      return new CliException(ExitCodes.RPC_ERROR, "error " + rpc.code() + ": " + rpc.error().message());
    }
    if (verbose) {
      FailureAdvice.describeChain(cause).forEach(line -> err.println("vdsm-client: cause: " + line));
    }
    if (cause instanceof ConnectionLostException lost) {
      return new CliException(ExitCodes.NO_ANSWER, new FailureAdvice(host, port, identity).explain(lost));
    }
    if (cause instanceof VdsmClientException failure) {
      return new CliException(ExitCodes.NO_ANSWER, failure.getMessage());
    }
    return new CliException(ExitCodes.NO_ANSWER, String.valueOf(cause));
  }
}

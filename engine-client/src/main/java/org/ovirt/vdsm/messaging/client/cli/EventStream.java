package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.VdsmClientException;

/**
 * {@code vdsm-client --events}: prints every event matching a pattern as one JSON line, {@code
 * {"event":"<receiver>|virt|VM_status|<id>","params":{...}}}, until the calling thread is
 * interrupted (a requested stop: exit 0 after the subscription is cancelled) or the connection is
 * lost (exit {@link ExitCodes#NO_ANSWER}).
 */
final class EventStream {
  private final HostClient client;
  private final String pattern;
  private final PrintStream out;

  EventStream(HostClient client, String pattern, PrintStream out) {
    this.client = requireNonNull(client, "client");
    this.pattern = requireNonNull(pattern, "pattern");
    this.out = requireNonNull(out, "out");
  }

  /** Streams until interrupted or the connection is lost; returns the exit code. */
  int run() throws CliException {
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
      throw CliException.usage(e.getMessage());
    }
    if (client.state() != HostClient.State.CONNECTED) {
      lost.complete(null);
    }
    try {
      VdsmClientException cause = lost.get();
      throw new CliException(ExitCodes.NO_ANSWER, "connection to " + client.name() + " lost"
          + (cause == null ? "" : ": " + cause.getMessage()));
    } catch (InterruptedException e) {
      return ExitCodes.OK; // a requested stop (SIGINT, SIGTERM, or the caller): the normal end of a stream
    } catch (ExecutionException e) {
      throw new CliException(ExitCodes.NO_ANSWER, "connection to " + client.name() + " lost: " + e.getCause());
    } finally {
      subscription.cancel();
    }
  }
}

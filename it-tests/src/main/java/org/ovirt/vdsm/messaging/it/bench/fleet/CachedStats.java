package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.ovirt.vdsm.messaging.server.rpc.ApiMethod;

/**
 * The fleet's {@code Host.getStats}: the default backend's answer (real statistics of this machine,
 * a few KiB), taken once a second on a thread of its own and served pre-encoded to every host, so
 * that thousands of simulated hosts cost the fleet process a memory copy per call instead of
 * reading {@code /proc} on the host subsystem's executor for each (which queued past the
 * subsystem's bound of 1,000 calls, answered 1100, on a loaded machine). Registered inline: it
 * never blocks.
 */
final class CachedStats implements AutoCloseable {
  private final ApiMethod source;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fleet-stats");
    t.setDaemon(true);
    return t;
  });
  private volatile ResultValue current;

  /** Reads {@code source} (the backend's {@code Host.getStats}) now and then every second. */
  CachedStats(ApiMethod source) throws ApiException {
    this.source = requireNonNull(source, "source");
    refresh();
    thread.scheduleWithFixedDelay(() -> {
      try {
        refresh();
      } catch (ApiException | RuntimeException e) {
        System.err.println("fleet stats: " + e); // the last answer stays
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  private void refresh() throws ApiException {
    current = ResultValue.preEncoded(source.invoke(new JsonObject()));
  }

  /** The method to register: the latest answer. */
  ApiMethod method() {
    return ApiMethod.streaming(params -> current);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}

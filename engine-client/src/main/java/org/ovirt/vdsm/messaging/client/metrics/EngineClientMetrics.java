package org.ovirt.vdsm.messaging.client.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ClientListener;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.TooManyPendingCallsException;

/**
 * The engine client's metrics in a Micrometer {@link MeterRegistry}, Prometheus-style names:
 *
 * <ul>
 *   <li>{@code vdsm_client_hosts{state}}: host clients by state (connecting, connected,
 *       disconnected);
 *   <li>{@code vdsm_client_host_connected{host}}: 1 while the host's session is up, else 0;
 *   <li>{@code vdsm_client_pending_calls{host}}: calls waiting for an answer or a connection;
 *   <li>{@code vdsm_client_reconnects_total{host}}: sessions established after the first;
 *   <li>{@code vdsm_client_call_timeouts_total{host}}: calls that got no answer in time;
 *   <li>{@code vdsm_client_calls_total{outcome}}: JSON-RPC calls ended, by outcome ({@code ok},
 *       {@code error}: the host's error, {@code timeout}, {@code connection_lost}, {@code refused}:
 *       too many pending, {@code other}).
 * </ul>
 *
 * The {@code host} label is the client's {@code host:port}; clients of the same {@code host:port}
 * (JSON-RPC and XML-RPC, say) share its series, which go when the last of them is closed. Use: {@code EngineClientFactory.builder().listener(EngineClientMetrics.bindTo(registry))}.
 */
public final class EngineClientMetrics implements ClientListener {
  /** The outcomes of {@code vdsm_client_calls_total}. */
  enum Outcome {
    OK, ERROR, TIMEOUT, CONNECTION_LOST, REFUSED, OTHER;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  private final MeterRegistry registry;
  private final Set<HostClient> hosts = ConcurrentHashMap.newKeySet();
  private final Map<String, HostMeters> perHost = new ConcurrentHashMap<>();
  private final Map<Outcome, Counter> calls = new EnumMap<>(Outcome.class);

  /** The series of one {@code host:port} and its open clients; removed with the last one. */
  private record HostMeters(Set<HostClient> clients, Counter timeouts, Counter reconnects, List<Meter> all) {}

  private EngineClientMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    for (Outcome o : Outcome.values()) {
      calls.put(o, Counter.builder("vdsm.client.calls")
          .description("JSON-RPC calls ended, by outcome").tag("outcome", o.label).register(registry));
    }
    for (HostClient.State state : List.of(HostClient.State.CONNECTING, HostClient.State.CONNECTED, HostClient.State.DISCONNECTED)) {
      Gauge.builder("vdsm.client.hosts", hosts, h -> h.stream().filter(c -> c.state() == state).count())
          .description("Host clients by connection state")
          .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
    }
  }

  /** Registers the client-wide meters in {@code registry}; give the result to the factory's builder. */
  public static EngineClientMetrics bindTo(MeterRegistry registry) {
    return new EngineClientMetrics(registry);
  }

  @Override
  public void hostOpened(HostClient client) {
    HostMeters meters;
    synchronized (perHost) {
      meters = perHost.computeIfAbsent(client.name(), this::register);
      meters.clients().add(client);
    }
    hosts.add(client);
    Counter reconnects = meters.reconnects();
    boolean[] first = {true};
    client.addStateListener((c, state, cause) -> {
      if (state == HostClient.State.CONNECTED) {
        if (!first[0]) {
          reconnects.increment();
        }
        first[0] = false;
      }
    });
  }

  private HostMeters register(String host) {
    Set<HostClient> clients = ConcurrentHashMap.newKeySet();
    Gauge connected = Gauge.builder("vdsm.client.host.connected", clients,
            cs -> cs.stream().anyMatch(c -> c.state() == HostClient.State.CONNECTED) ? 1 : 0)
        .description("1 while the host's session is established, else 0").tag("host", host).register(registry);
    Gauge pending = Gauge.builder("vdsm.client.pending.calls", clients,
            cs -> cs.stream().mapToInt(HostClient::pendingCalls).sum())
        .description("Calls waiting for an answer or a connection").tag("host", host).register(registry);
    Counter reconnects = Counter.builder("vdsm.client.reconnects")
        .description("Sessions established after a host's first").tag("host", host).register(registry);
    Counter timeouts = Counter.builder("vdsm.client.call.timeouts")
        .description("Calls that got no answer within their deadline").tag("host", host).register(registry);
    return new HostMeters(clients, timeouts, reconnects, List.of(connected, pending, reconnects, timeouts));
  }

  @Override
  public void hostClosed(HostClient client) {
    hosts.remove(client);
    synchronized (perHost) {
      HostMeters meters = perHost.get(client.name());
      if (meters != null && meters.clients().remove(client) && meters.clients().isEmpty()) {
        perHost.remove(client.name());
        meters.all().forEach(registry::remove);
      }
    }
  }

  @Override
  public void callEnded(HostClient client, Throwable failure) {
    Outcome outcome = outcome(failure);
    calls.get(outcome).increment();
    if (outcome == Outcome.TIMEOUT) {
      HostMeters meters = perHost.get(client.name());
      if (meters != null) {
        meters.timeouts().increment();
      }
    }
  }

  static Outcome outcome(Throwable failure) {
    Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (f == null) {
      return Outcome.OK;
    }
    if (f instanceof CallTimeoutException) {
      return Outcome.TIMEOUT;
    }
    if (f instanceof JsonRpcErrorException) {
      return Outcome.ERROR;
    }
    if (f instanceof ConnectionLostException) {
      return Outcome.CONNECTION_LOST;
    }
    return f instanceof TooManyPendingCallsException ? Outcome.REFUSED : Outcome.OTHER;
  }
}

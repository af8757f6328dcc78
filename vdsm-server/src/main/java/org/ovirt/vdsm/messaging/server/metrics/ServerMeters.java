package org.ovirt.vdsm.messaging.server.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.guard.ServerBudgets;

/**
 * The host's metrics in a Micrometer {@link MeterRegistry}, Prometheus-style names ({@code vdsm_}
 * prefix). Pushed by the host ({@link ServerMetrics}): calls by method and outcome, call latency
 * by method, connections by protocol, TLS handshake failures by reason, heart-beat losses, slow
 * consumers cut. Read at each scrape from the live counts: the guards' refusals and budgets ({@link
 * ServerBudgets}), the broker's subscriptions, queue depths and dropped messages ({@link Broker}).
 *
 * <p>Every label has a bounded set of values: methods of the API schema (any other name is {@value
 * #OTHER_METHOD}), {@link CallOutcome}, the protocols of the port, {@link TlsFailure}, {@link
 * ServerBudgets.Refusal} and the configured queues.
 */
public final class ServerMeters implements ServerMetrics {
  /** The method label of every name that is not a method of the API schema. */
  public static final String OTHER_METHOD = "other";

  /** The protocols the port detects, as labels ({@code +tls} when over TLS). */
  public static final List<String> PROTOCOLS = List.of("stomp", "stomp+tls", "xmlrpc", "xmlrpc+tls");

  /** Upper bounds of the latency histogram's buckets. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
    Duration.ofSeconds(120)
  };

  private final MeterRegistry registry;
  private final Predicate<String> knownMethod;
  private final Map<String, MethodMeters> methods = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
  private final Map<String, Counter> opened = new ConcurrentHashMap<>();
  private final Map<TlsFailure, Counter> tlsFailures = new EnumMap<>(TlsFailure.class);
  private final Counter heartBeatLosses;
  private final Counter slowConsumers;

  /** The meters of one method label: a counter per outcome and the latency histogram. */
  private final class MethodMeters {
    final Map<CallOutcome, Counter> calls = new EnumMap<>(CallOutcome.class);
    final Timer latency;

    MethodMeters(String method) {
      for (CallOutcome o : CallOutcome.values()) {
        calls.put(o, Counter.builder("vdsm.calls")
            .description("JSON-RPC and XML-RPC calls answered, by method and outcome")
            .tag("method", method).tag("outcome", o.label())
            .register(registry));
      }
      latency = Timer.builder("vdsm.call.duration")
          .description("Time from a call's hand-over to its worker until its answer, by method")
          .tag("method", method)
          .serviceLevelObjectives(LATENCY_BUCKETS)
          .register(registry);
    }
  }

  private ServerMeters(MeterRegistry registry, Predicate<String> knownMethod) {
    this.registry = requireNonNull(registry, "registry");
    this.knownMethod = requireNonNull(knownMethod, "knownMethod");
    for (String protocol : PROTOCOLS) {
      AtomicLong n = new AtomicLong();
      open.put(protocol, n);
      Gauge.builder("vdsm.connections", n, AtomicLong::get)
          .description("Connections open now, by detected protocol")
          .tag("protocol", protocol).register(registry);
      opened.put(protocol, Counter.builder("vdsm.connections.opened")
          .description("Connections whose protocol was detected, by protocol")
          .tag("protocol", protocol).register(registry));
    }
    for (TlsFailure reason : TlsFailure.values()) {
      tlsFailures.put(reason, Counter.builder("vdsm.tls.handshake.failures")
          .description("TLS handshakes that failed, by reason")
          .tag("reason", reason.label()).register(registry));
    }
    heartBeatLosses = Counter.builder("vdsm.heartbeat.losses")
        .description("STOMP connections closed because the peer was silent past its heart-beat")
        .register(registry);
    slowConsumers = Counter.builder("vdsm.slow.consumers.cut")
        .description("Connections cut because the peer took no byte while its connection was full")
        .register(registry);
  }

  /**
   * Registers the host's meters in {@code registry}.
   *
   * @param broker the internal broker, read at each scrape
   * @param queues the broker's queue destinations (one depth gauge each)
   * @param budgets the guards' live counts, read at each scrape
   * @return the observer to give the dispatcher and the connection handlers
   */
  public static ServerMeters register(MeterRegistry registry, Broker broker, Set<String> queues, ServerBudgets budgets) {
    return register(registry, broker, queues, budgets, name -> ApiSchema.vdsm().method(name).isPresent());
  }

  /** As {@link #register(MeterRegistry, Broker, Set, ServerBudgets)} with the method names to label. */
  static ServerMeters register(MeterRegistry registry, Broker broker, Set<String> queues, ServerBudgets budgets,
      Predicate<String> knownMethod) {
    requireNonNull(broker, "broker");
    requireNonNull(queues, "queues");
    requireNonNull(budgets, "budgets");
    ServerMeters meters = new ServerMeters(registry, knownMethod);
    Gauge.builder("vdsm.broker.subscriptions", broker, Broker::subscriptionCount)
        .description("Subscriptions held now on the internal broker").register(registry);
    for (String queue : queues) {
      Gauge.builder("vdsm.broker.queue.depth", broker, b -> b.queueDepth(queue))
          .description("Messages waiting in a queue of the internal broker")
          .tag("queue", queue).register(registry);
    }
    FunctionCounter.builder("vdsm.broker.messages.dropped", broker, Broker::droppedCount)
        .description("Broker messages dropped: full queues, subscribers at their unacknowledged limit")
        .register(registry);
    for (ServerBudgets.Refusal kind : ServerBudgets.Refusal.values()) {
      FunctionCounter.builder("vdsm.guard.refusals", budgets, b -> b.refusals(kind))
          .description("Connections refused or cut by a server-wide guard, by guard")
          .tag("guard", kind.label()).register(registry);
    }
    Gauge.builder("vdsm.guard.partial.frame.bytes", budgets, ServerBudgets::partialFrameBytes)
        .description("Bytes held now in STOMP frames not complete yet, all connections")
        .baseUnit("bytes").register(registry);
    Gauge.builder("vdsm.guard.pending.write.bytes", budgets, ServerBudgets::pendingWriteBytes)
        .description("Bytes waiting now to be written to STOMP peers, all connections")
        .baseUnit("bytes").register(registry);
    return meters;
  }

  /** The label of {@code method}: itself when the API schema has it, else {@value #OTHER_METHOD}. */
  String methodLabel(String method) {
    return method != null && knownMethod.test(method) ? method : OTHER_METHOD;
  }

  @Override
  public void callEnded(String method, CallOutcome outcome, long nanos) {
    MethodMeters m = method == null ? null : methods.get(method);
    if (m == null) {
      m = methods.computeIfAbsent(methodLabel(method), MethodMeters::new);
    }
    m.calls.get(outcome).increment();
    if (outcome != CallOutcome.REFUSED) {
      m.latency.record(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void connectionOpened(String protocol) {
    AtomicLong n = open.get(protocol);
    if (n != null) {
      n.incrementAndGet();
      opened.get(protocol).increment();
    }
  }

  @Override
  public void connectionClosed(String protocol) {
    AtomicLong n = open.get(protocol);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  @Override
  public void tlsHandshakeFailed(TlsFailure reason) {
    tlsFailures.get(requireNonNull(reason, "reason")).increment();
  }

  @Override
  public void heartBeatLost() {
    heartBeatLosses.increment();
  }

  @Override
  public void slowConsumerCut() {
    slowConsumers.increment();
  }
}

package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.server.guard.GuardSettings;
import org.ovirt.vdsm.messaging.server.guard.ServerBudgets;

/** The meters' labels stay bounded whatever peers send, and each family counts what it says. */
class ServerMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Broker broker = new Broker(BrokerConfig.DEFAULTS.withQueues(Set.of("jms.queue.work")));
  private final ServerBudgets budgets = new ServerBudgets(GuardSettings.DEFAULTS.withConnectionLimits(1, 1));
  private final ServerMeters meters = ServerMeters.register(registry, broker, Set.of("jms.queue.work"), budgets);

  private Set<String> methodLabels() {
    return registry.find("vdsm.calls").counters().stream()
        .map(c -> c.getId().getTag("method")).collect(Collectors.toSet());
  }

  @Test
  void methodsOutsideTheSchemaShareOneLabel() {
    for (int i = 0; i < 10_000; i++) {
      meters.callEnded("Evil.method" + i, CallOutcome.REQUEST_ERROR, 0);
    }
    meters.callEnded("Host.getCapabilities", CallOutcome.OK, 1_000_000);
    meters.callEnded(null, CallOutcome.REQUEST_ERROR, 0);
    assertThat(methodLabels()).containsExactlyInAnyOrder("other", "Host.getCapabilities");
    assertThat(registry.get("vdsm.calls").tags("method", "other", "outcome", "request_error").counter().count())
        .isEqualTo(10_001);
    assertThat(registry.get("vdsm.call.duration").tag("method", "Host.getCapabilities").timer()
        .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1.0);
  }

  @Test
  void refusedCallsAreCountedButTakeNoPlaceInTheLatencyHistogram() {
    meters.callEnded("Host.getCapabilities", CallOutcome.REFUSED, 0);
    meters.callEnded("Host.getCapabilities", CallOutcome.TIMEOUT, TimeUnit.SECONDS.toNanos(120));
    assertThat(registry.get("vdsm.calls").tags("method", "Host.getCapabilities", "outcome", "refused").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("vdsm.call.duration").tag("method", "Host.getCapabilities").timer().count()).isEqualTo(1);
  }

  @Test
  void connectionsAreCountedByProtocolAndUnknownProtocolsIgnored() {
    meters.connectionOpened("stomp+tls");
    meters.connectionOpened("stomp+tls");
    meters.connectionClosed("stomp+tls");
    meters.connectionOpened("gopher");
    assertThat(registry.get("vdsm.connections").tag("protocol", "stomp+tls").gauge().value()).isEqualTo(1);
    assertThat(registry.get("vdsm.connections.opened").tag("protocol", "stomp+tls").counter().count()).isEqualTo(2);
    assertThat(registry.find("vdsm.connections").gauges()).hasSize(ServerMeters.PROTOCOLS.size());
  }

  @Test
  void guardRefusalsAndBrokerStateAreReadAtEachScrape() throws Exception {
    java.net.InetAddress peer = java.net.InetAddress.getLoopbackAddress();
    assertThat(budgets.acquireConnection(peer)).isNull();
    assertThat(budgets.acquireConnection(peer)).contains("maxConnections");
    assertThat(registry.get("vdsm.guard.refusals").tag("guard", "max_connections").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("vdsm.guard.refusals").tag("guard", "frame_timeout").functionCounter().count()).isZero();

    broker.publish("jms.queue.work", "text/plain", new byte[] {1});
    broker.publish("jms.queue.work", "text/plain", new byte[] {2});
    assertThat(registry.get("vdsm.broker.queue.depth").tag("queue", "jms.queue.work").gauge().value()).isEqualTo(2);
    assertThat(registry.get("vdsm.broker.subscriptions").gauge().value()).isZero();
  }

  @Test
  void everyTlsReasonAndEveryGuardHasItsSeriesFromTheStart() {
    assertThat(registry.find("vdsm.tls.handshake.failures").counters()).hasSize(TlsFailure.values().length);
    assertThat(registry.find("vdsm.guard.refusals").meters()).extracting(Meter::getId)
        .extracting(id -> id.getTag("guard"))
        .containsExactlyInAnyOrder("max_connections", "max_connections_per_address", "partial_frame_budget",
            "frame_timeout", "pending_write_budget");
  }
}

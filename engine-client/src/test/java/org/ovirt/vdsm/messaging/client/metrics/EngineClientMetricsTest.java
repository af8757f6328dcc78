package org.ovirt.vdsm.messaging.client.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.TooManyPendingCallsException;
import org.ovirt.vdsm.messaging.client.internal.FakeStompPeer;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * The engine client's families move with what the client does: real calls to a STOMP peer on
 * loopback answered, failed, timed out and refused; a reconnect; the host's series gone with it.
 */
class EngineClientMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private FakeStompPeer peer;
  private EngineClientFactory factory;

  @BeforeEach
  void start() throws Exception {
    peer = new FakeStompPeer();
    // "ok" answers a result, "fail" the host's error 1, anything else is never answered.
    peer.answerer = body -> {
      JsonObject request = JsonParser.parseString(body).getAsJsonObject();
      String method = request.get("method").getAsString();
      JsonObject answer = new JsonObject();
      answer.addProperty("jsonrpc", "2.0");
      if (method.equals("ok")) {
        answer.addProperty("result", true);
      } else if (method.equals("fail")) {
        answer.add("error", JsonParser.parseString("{\"code\": 1, \"message\": \"Virtual machine does not exist\"}"));
      } else {
        return null;
      }
      answer.add("id", request.get("id"));
      return answer.toString();
    };
    factory = EngineClientFactory.builder()
        .plaintext()
        .heartBeat(HeartBeat.NONE)
        .defaultTimeout(WAIT)
        .connectTimeout(WAIT)
        .ioThreads(1)
        .workerThreads(2)
        .maxPendingCalls(2)
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200)))
        .listener(EngineClientMetrics.bindTo(registry))
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    factory.close();
    peer.close();
  }

  private double calls(String outcome) {
    return registry.get("vdsm.client.calls").tag("outcome", outcome).counter().count();
  }

  private double hostGauge(String name, String host) {
    return registry.get(name).tag("host", host).gauge().value();
  }

  @Test
  void callsHostStateAndPendingCallsMove() throws Exception {
    HostClient host = factory.connect("127.0.0.1", peer.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    String name = host.name();
    assertThat(hostGauge("vdsm.client.host.connected", name)).isEqualTo(1);
    assertThat(registry.get("vdsm.client.hosts").tag("state", "connected").gauge().value()).isEqualTo(1);

    assertThat(host.call("ok", null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsBoolean()).isTrue();
    assertThatThrownBy(() -> host.call("fail", null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(JsonRpcErrorException.class);
    CompletableFuture<?> late = host.call(RpcCall.of("silent", null).withTimeout(Duration.ofMillis(200)));
    assertThatThrownBy(() -> late.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).hasCauseInstanceOf(CallTimeoutException.class);

    CompletableFuture<?> waiting1 = host.call("silent", null);
    CompletableFuture<?> waiting2 = host.call("silent", null);
    assertThat(hostGauge("vdsm.client.pending.calls", name)).isEqualTo(2);
    CompletableFuture<?> refused = host.call("ok", null); // maxPendingCalls(2)
    assertThatThrownBy(() -> refused.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(TooManyPendingCallsException.class);

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(calls("ok")).isEqualTo(1);
      assertThat(calls("error")).isEqualTo(1);
      assertThat(calls("timeout")).isEqualTo(1);
      assertThat(calls("refused")).isEqualTo(1);
      assertThat(registry.get("vdsm.client.call.timeouts").tag("host", name).counter().count()).isEqualTo(1);
    });

    peer.nextConnection(WAIT).reset(); // the connection is lost with two calls in flight
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(calls("connection_lost")).isEqualTo(2);
      assertThat(registry.get("vdsm.client.reconnects").tag("host", name).counter().count()).isEqualTo(1);
      assertThat(hostGauge("vdsm.client.host.connected", name)).isEqualTo(1);
    });
    assertThat(waiting1).isCompletedExceptionally();
    assertThat(waiting2).isCompletedExceptionally();
    assertThat(hostGauge("vdsm.client.pending.calls", name)).isZero();

    host.close();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(registry.find("vdsm.client.host.connected").tag("host", name).gauge()).isNull();
      assertThat(registry.find("vdsm.client.reconnects").tag("host", name).counter()).isNull();
    });
    assertThat(registry.get("vdsm.client.hosts").tag("state", "connected").gauge().value()).isZero();
  }

  @Test
  void outcomesOfFailuresAreClassified() {
    assertThat(EngineClientMetrics.outcome(null)).isEqualTo(EngineClientMetrics.Outcome.OK);
    assertThat(EngineClientMetrics.outcome(new java.util.concurrent.CompletionException(new CallTimeoutException("late"))))
        .isEqualTo(EngineClientMetrics.Outcome.TIMEOUT);
    assertThat(EngineClientMetrics.outcome(new IllegalStateException())).isEqualTo(EngineClientMetrics.Outcome.OTHER);
  }

  @Test
  void aHostThatNeverConnectedIsCountedAsConnecting() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      HostClient host = factory.open("127.0.0.1", silent.getLocalPort()); // accepts, never answers CONNECT
      assertThat(registry.get("vdsm.client.hosts").tag("state", "connecting").gauge().value()).isEqualTo(1);
      assertThat(hostGauge("vdsm.client.host.connected", host.name())).isZero();
      host.closeAsync().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.cli.VdsmClientMain;
import org.ovirt.vdsm.messaging.client.metrics.EngineClientMetrics;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.metrics.MetricsEndpoint;
import org.ovirt.vdsm.messaging.server.metrics.MetricsOptions;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Both ends' metrics at once: the real engine client calls a real host over mutual TLS (JSON-RPC
 * over STOMP and legacy XML-RPC); the host's metrics endpoint, the engine's registry and {@code
 * vdsm-client --metrics} all show the same calls.
 */
class MetricsTest {
  private static final long WAIT_S = 20;

  @TempDir Path dir;
  private PrometheusMeterRegistry hostRegistry;
  private VdsmServer server;
  private MetricsEndpoint endpoint;
  private PrometheusMeterRegistry engineRegistry;
  private EngineClientFactory factory;
  private int port;

  @BeforeEach
  void start() throws Exception {
    PkiLayout pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of("127.0.0.1"), KeyType.EC_P256);
    hostRegistry = MetricsOptions.newRegistry();
    server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki), SimulationSettings.defaults(), hostRegistry);
    port = server.start().getPort();
    endpoint = MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), hostRegistry::scrape);
    engineRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    factory = EngineClientFactory.builder().pki(pki).defaultTimeout(Duration.ofSeconds(WAIT_S))
        .listener(EngineClientMetrics.bindTo(engineRegistry)).build();
  }

  @AfterEach
  void stop() {
    if (factory != null) {
      factory.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static String line(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst().orElse("(no " + series + ")");
  }

  @Test
  void theHostTheEngineAndVdsmClientCountTheSameCalls() throws Exception {
    HostClient host = factory.connect("localhost", port).get(WAIT_S, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      host.call("Host.getCapabilities", null).get(WAIT_S, TimeUnit.SECONDS);
    }
    JsonObject noSuchVm = new JsonObject();
    noSuchVm.addProperty("vmID", "5f1c2c3e-1a9f-4a0e-8b1e-000000000000");
    assertThatThrownBy(() -> host.call(RpcCall.of("VM.getStats", noSuchVm)).get(WAIT_S, TimeUnit.SECONDS))
        .hasCauseInstanceOf(JsonRpcErrorException.class);
    try (HostClient legacy = factory.openXmlRpc("localhost", port)) {
      legacy.call("Host.getCapabilities", null).get(WAIT_S, TimeUnit.SECONDS);
    }

    String hostScrape = hostRegistry.scrape();
    assertThat(line(hostScrape, "vdsm_calls_total{method=\"Host.getCapabilities\",outcome=\"ok\"}")).endsWith(" 4.0");
    assertThat(line(hostScrape, "vdsm_calls_total{method=\"VM.getStats\",outcome=\"api_error\"}")).endsWith(" 1.0");
    assertThat(line(hostScrape, "vdsm_connections{protocol=\"stomp+tls\"}")).endsWith(" 1.0");
    assertThat(line(hostScrape, "vdsm_connections_opened_total{protocol=\"xmlrpc+tls\"}")).endsWith(" 1.0");

    await().atMost(Duration.ofSeconds(WAIT_S)).untilAsserted(() -> {
      String engineScrape = engineRegistry.scrape();
      assertThat(line(engineScrape, "vdsm_client_calls_total{outcome=\"ok\"}")).endsWith(" 3.0");
      assertThat(line(engineScrape, "vdsm_client_calls_total{outcome=\"error\"}")).endsWith(" 1.0");
      assertThat(line(engineScrape, "vdsm_client_host_connected{host=\"localhost:" + port + "\"}")).endsWith(" 1.0");
      assertThat(line(engineScrape, "vdsm_client_hosts{state=\"connected\"}")).endsWith(" 1.0");
      assertThat(line(engineScrape, "vdsm_client_pending_calls{host=\"localhost:" + port + "\"}")).endsWith(" 0.0");
      assertThat(line(engineScrape, "vdsm_client_reconnects_total{host=\"localhost:" + port + "\"}")).endsWith(" 0.0");
      assertThat(line(engineScrape, "vdsm_client_call_timeouts_total{host=\"localhost:" + port + "\"}")).endsWith(" 0.0");
    });

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VdsmClientMain.run(new String[] {"--metrics", endpoint.url()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String summary = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(summary.lines()).anySatisfy(l -> assertThat(l).matches("Host\\.getCapabilities\\s+4\\s+0\\s+0\\s+0\\s+[0-9.]+"))
        .anySatisfy(l -> assertThat(l).matches("VM\\.getStats\\s+0\\s+1\\s+0\\s+0\\s+[0-9.]+"))
        .anySatisfy(l -> assertThat(l).contains("vdsm_connections{protocol=\"stomp+tls\"}").endsWith(" 1"));
  }
}

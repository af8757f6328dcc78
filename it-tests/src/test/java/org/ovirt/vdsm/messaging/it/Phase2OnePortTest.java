package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.it.LegacyClients.call;
import static org.ovirt.vdsm.messaging.it.LegacyClients.status;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientBuilder;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;

/**
 * Phase 2 end to end: one port, every protocol at once. STOMP clients (the engine client) and legacy
 * XML-RPC clients (Apache XML-RPC) call the same host concurrently, their calls interleaved, with
 * TLS required, and with TLS optional where TLS and plain-text clients of both protocols share the
 * port. Every call must be answered correctly.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Phase2OnePortTest {
  private static final long WAIT_S = 20;
  private static final int CALLS_PER_CLIENT = 25;

  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService clients = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() throws Exception {
    clients.shutdownNow();
    assertThat(clients.awaitTermination(WAIT_S, TimeUnit.SECONDS)).isTrue();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    toClose.add(c);
    return c;
  }

  /** A STOMP engine connection: TLS with the host's PKI, or plain text. */
  private HostClient stomp(TestHost host, boolean tls) throws Exception {
    EngineClientBuilder b = EngineClientFactory.builder().defaultTimeout(Duration.ofSeconds(WAIT_S));
    EngineClientFactory factory = closeLater((tls ? b.pki(host.pki) : b.plaintext()).build());
    return closeLater(factory.connect(tls ? "localhost" : "127.0.0.1", host.port()).get(WAIT_S, TimeUnit.SECONDS));
  }

  /** Calls over STOMP: ping2, echo (with a unique message) and getCapabilities in turn. */
  private static Callable<Integer> stompCalls(String name, HostClient client, CountDownLatch go) {
    return () -> {
      go.await(WAIT_S, TimeUnit.SECONDS);
      for (int i = 0; i < CALLS_PER_CLIENT; i++) {
        switch (i % 3) {
          case 0 -> assertThat(client.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS))
              .isEqualTo(new JsonPrimitive(true));
          case 1 -> {
            JsonObject p = new JsonObject();
            p.addProperty("message", name + "-" + i);
            assertThat(client.call("Host.echo", p).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo(name + "-" + i);
          }
          default -> {
            JsonElement caps = client.call("Host.getCapabilities", null).get(WAIT_S, TimeUnit.SECONDS);
            assertThat(caps.getAsJsonObject().get("cpuThreads").getAsString())
                .isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
          }
        }
      }
      return CALLS_PER_CLIENT;
    };
  }

  /** Calls over XML-RPC: ping and getVdsCapabilities in turn. */
  @SuppressWarnings("unchecked")
  private static Callable<Integer> xmlRpcCalls(XmlRpcClient client, CountDownLatch go) {
    return () -> {
      go.await(WAIT_S, TimeUnit.SECONDS);
      for (int i = 0; i < CALLS_PER_CLIENT; i++) {
        Map<String, Object> result = call(client, i % 2 == 0 ? "ping" : "getVdsCapabilities");
        assertThat(status(result)).containsEntry("code", 0).containsEntry("message", "Done");
        if (i % 2 == 1) {
          assertThat(((Map<String, Object>) result.get("info")).get("cpuThreads"))
              .isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
      }
      return CALLS_PER_CLIENT;
    };
  }

  private void runAll(List<Callable<Integer>> tasks, CountDownLatch go) throws Exception {
    List<Future<Integer>> running = new ArrayList<>();
    for (Callable<Integer> task : tasks) {
      running.add(clients.submit(task));
    }
    long start = System.nanoTime();
    go.countDown();
    int answered = 0;
    for (Future<Integer> f : running) {
      answered += f.get(WAIT_S * 3, TimeUnit.SECONDS);
    }
    assertThat(answered).isEqualTo(tasks.size() * CALLS_PER_CLIENT);
    System.out.printf("%s: %d calls over %d clients answered in %d ms%n",
        getClass().getSimpleName(), answered, tasks.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @Test
  void stompAndXmlRpcShareATlsOnlyPort() throws Exception {
    TestHost host = closeLater(TestHost.startTls(dir.resolve("required")));
    SSLContext tls = JdkSslContexts.engine(host.pki);
    CountDownLatch go = new CountDownLatch(1);
    runAll(List.of(
        stompCalls("stomp-1", stomp(host, true), go),
        xmlRpcCalls(LegacyClients.apache(host.xmlRpcUrl(true), tls), go),
        stompCalls("stomp-2", stomp(host, true), go),
        xmlRpcCalls(LegacyClients.apache(host.xmlRpcUrl(true), tls), go)), go);
  }

  @Test
  void tlsAndPlaintextClientsOfBothProtocolsShareAnOptionalTlsPort() throws Exception {
    TestHost host = closeLater(TestHost.start(dir.resolve("optional"), c -> c.withTlsMode(TlsMode.OPTIONAL)));
    SSLContext tls = JdkSslContexts.engine(host.pki);
    CountDownLatch go = new CountDownLatch(1);
    runAll(List.of(
        stompCalls("stomp-tls", stomp(host, true), go),
        stompCalls("stomp-plain", stomp(host, false), go),
        xmlRpcCalls(LegacyClients.apache(host.xmlRpcUrl(true), tls), go),
        xmlRpcCalls(LegacyClients.apache(host.xmlRpcUrl(false), null), go)), go);
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Phase 3 end to end over mutual TLS: the VDS and IRS sides of one host share one connection;
 * batches; deadlines; events; 1,000 concurrent calls on one connection; host name verification.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Phase3SharedConnectionTest {
  private static final long WAIT_S = 20;

  @TempDir static Path dir;

  static PkiLayout pki;
  static VdsmServer server;
  static TcpProxy proxy;
  static EngineClientFactory factory;
  static HostClient host;
  static final List<JsonRpcResponse> unmatched = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    server = Hosts.start(pki, "127.0.0.1", 0);
    // Through a counting proxy, so the test sees how many connections the client made.
    proxy = new TcpProxy(Hosts.address(server));
    factory = EngineClientFactory.builder()
        .pki(pki)
        .defaultTimeout(Duration.ofSeconds(WAIT_S))
        .onUnmatchedResponse((h, r) -> unmatched.add(r))
        .build();
    host = factory.connect("127.0.0.1", proxy.port()).get(WAIT_S, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (factory != null) {
      factory.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static JsonObject message(String text) {
    JsonObject p = new JsonObject();
    p.addProperty("message", text);
    return p;
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(WAIT_S, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    return f.handle((r, t) -> t).join();
  }

  @Test
  void vdsAndIrsSidesShareOneConnection() throws Exception {
    HostClient irs = host.irs();
    assertThat(host.call("Host.echo", message("vds")).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("vds");
    assertThat(irs.call("Host.echo", message("irs")).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("irs");
    List<CompletableFuture<JsonElement>> mixed = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      mixed.add((i % 2 == 0 ? host : irs).call("Host.echo", message("m" + i)));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(mixed.get(i).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("m" + i);
    }
    assertThat(proxy.accepted()).isEqualTo(1);
    assertThat(irs.state()).isEqualTo(HostClient.State.CONNECTED);
    assertThat(irs.host()).isEqualTo(host.host());
  }

  @Test
  void aBatchIsAnsweredCallByCall() throws Exception {
    List<CompletableFuture<JsonElement>> answers = host.batch(List.of(
        RpcCall.of("Host.ping2"),
        RpcCall.of("Host.echo", message("in a batch")),
        RpcCall.of("Host.noSuchVerb"),
        RpcCall.of("Host.getCapabilities")));
    assertThat(answers.get(0).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    assertThat(answers.get(1).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("in a batch");
    Throwable missing = failureOf(answers.get(2));
    assertThat(((JsonRpcErrorException) missing).code()).isEqualTo(JsonRpcError.METHOD_NOT_FOUND);
    assertThat(answers.get(3).get(WAIT_S, TimeUnit.SECONDS).getAsJsonObject().get("version_name").getAsString())
        .isEqualTo("vdsm-messaging");

    List<CompletableFuture<JsonElement>> storage = host.irs().batch(List.of(
        RpcCall.of("Host.echo", message("a")), RpcCall.of("Host.echo", message("b"))));
    assertThat(storage.get(0).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("a");
    assertThat(storage.get(1).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("b");
  }

  @Test
  void typedResults() throws Exception {
    record Caps(String version_name, String cpuThreads) {}
    Caps caps = host.call("Host.getCapabilities", null, Caps.class).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(caps.version_name()).isEqualTo("vdsm-messaging");
    assertThat(Integer.parseInt(caps.cpuThreads())).isPositive();
  }

  @Test
  void aDeadlineFailsTheCallWith5022AndTheLateAnswerIsReported() throws Exception {
    int before = unmatched.size();
    long t0 = System.nanoTime();
    CompletableFuture<JsonElement> slow = host.call(
        RpcCall.of(Hosts.SLEEP).withParam("ms", 1500).withTimeout(Duration.ofMillis(300)));
    Throwable failure = failureOf(slow);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(failure).isInstanceOf(CallTimeoutException.class);
    assertThat(((CallTimeoutException) failure).code()).isEqualTo(JsonRpcError.MESSAGE_TIMEOUT);
    assertThat(ms).isBetween(290L, 1400L);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> unmatched.size() > before);
    assertThat(host.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
  }

  @Test
  void aThousandConcurrentCallsOnOneConnectionAreAllAnswered() throws Exception {
    int threads = 4;
    int perThread = 250;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    long t0 = System.nanoTime();
    try {
      List<Future<List<CompletableFuture<JsonElement>>>> batches = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        batches.add(callers.submit(() -> {
          List<CompletableFuture<JsonElement>> calls = new ArrayList<>(perThread);
          for (int i = 0; i < perThread; i++) {
            calls.add(host.call("Host.echo", message("c" + (base + i))));
          }
          return calls;
        }));
      }
      int answered = 0;
      for (int t = 0; t < threads; t++) {
        List<CompletableFuture<JsonElement>> calls = batches.get(t).get(WAIT_S, TimeUnit.SECONDS);
        for (int i = 0; i < perThread; i++) {
          assertThat(calls.get(i).get(WAIT_S, TimeUnit.SECONDS).getAsString()).isEqualTo("c" + (t * perThread + i));
          answered++;
        }
      }
      assertThat(answered).isEqualTo(1000);
      System.out.println("MEASURED 1000 concurrent Host.echo calls on one TLS connection answered in "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    } finally {
      callers.shutdownNow();
    }
    assertThat(host.pendingCalls()).isZero();
    assertThat(proxy.accepted()).isEqualTo(1);
  }

  @Test
  void eventsArriveInOrderWithTheHostAsReceiver() throws Exception {
    LinkedBlockingQueue<HostEvent> received = new LinkedBlockingQueue<>();
    var subscription = host.subscribe("127.0.0.1|virt|VM_status|*", received::add);
    try {
      // SUBSCRIBE and SEND travel in order on one connection: once this is answered, the host
      // has processed the events subscription.
      host.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS);
      for (int i = 0; i < 50; i++) {
        server.events().publish("virt", "VM_status", "vm-" + i, Hosts.vmStatus("vm-" + i, "Up"));
      }
      server.events().publish("virt", "VM_migration_status", "vm-x", Hosts.vmStatus("vm-x", "Migrating"));
      for (int i = 0; i < 50; i++) {
        HostEvent e = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.id()).isEqualTo("127.0.0.1|virt|VM_status|vm-" + i);
        JsonObject params = e.params().getAsJsonObject();
        assertThat(params.getAsJsonObject("vm-" + i).get("status").getAsString()).isEqualTo("Up");
        assertThat(params.has("notify_time")).isTrue();
      }
      assertThat(received.poll(300, TimeUnit.MILLISECONDS)).isNull();
      assertThat(subscription.droppedEvents()).isZero();
    } finally {
      subscription.cancel();
    }
  }

  @Test
  void hostNameVerificationIsOnByDefaultWithAnExplicitOptOut() throws Exception {
    // 127.0.0.2 is loopback on Linux but not in the host certificate (localhost, 127.0.0.1, ::1).
    try (VdsmServer other = Hosts.start(pki, "127.0.0.2", 0);
        EngineClientFactory checked = EngineClientFactory.builder().pki(pki).build();
        EngineClientFactory unchecked = EngineClientFactory.builder().pki(pki).verifyHostName(false).build()) {
      Throwable refused = failureOf(checked.connect("127.0.0.2", Hosts.port(other)));
      assertThat(refused).isInstanceOf(ConnectionLostException.class);
      assertThat(((ConnectionLostException) refused).reason()).isEqualTo(ConnectionLostException.Reason.TLS);
      HostClient accepted = unchecked.connect("127.0.0.2", Hosts.port(other)).get(WAIT_S, TimeUnit.SECONDS);
      assertThat(accepted.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    }
  }

  @Test
  void closeIsConfirmedByTheHostsReceipt() throws Exception {
    try (EngineClientFactory own = EngineClientFactory.builder().pki(pki).build()) {
      HostClient client = own.connect("127.0.0.1", Hosts.port(server)).get(WAIT_S, TimeUnit.SECONDS);
      client.subscribe("*|virt|*|*", e -> {});
      client.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS);
      assertThat(client.disconnect(Duration.ofSeconds(5))).isTrue();
      assertThat(client.state()).isEqualTo(HostClient.State.CLOSED);
    }
  }
}

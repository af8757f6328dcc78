package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The engine client when things go wrong, against real host servers over mutual TLS: a server
 * killed mid-call and restarted on the same port, a network that silently stops delivering, a
 * clean close, and two hosts whose names share a prefix.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EngineClientResilienceTest {
  private static final long WAIT_S = 20;

  @TempDir Path dir;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Measurements go to standard output (the surefire report), whatever the log level. */
  private static void measured(String format, Object... args) {
    System.out.println("MEASURED " + String.format(format, args));
  }

  private PkiLayout pki(String... extraAddresses) throws Exception {
    return DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(extraAddresses), KeyType.EC_P256);
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(WAIT_S, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    return f.handle((r, t) -> t).join();
  }

  private static RpcCall sleep(long ms) {
    return RpcCall.of(Hosts.SLEEP).withParam("ms", ms).withTimeout(Duration.ofSeconds(WAIT_S));
  }

  /** Total CPU time of the client's own threads (network, workers, events). */
  private static long clientCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("vdsm-client-")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  @Test
  void aServerKilledMidCallFailsTheCallAtOnceAndARestartOnTheSamePortIsRejoined() throws Exception {
    PkiLayout pki = pki();
    VdsmServer first = Hosts.start(pki, "127.0.0.1", 0);
    int port = Hosts.port(first);
    EngineClientFactory factory = keep(EngineClientFactory.builder()
        .pki(pki)
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(500)))
        .build());
    HostClient host = factory.open("127.0.0.1", port);
    LinkedBlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    host.subscribe("127.0.0.1|virt|VM_status|*", events::add);
    LinkedBlockingQueue<HostClient.State> states = new LinkedBlockingQueue<>();
    host.addStateListener((c, s, cause) -> states.add(s));
    assertThat(host.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    first.events().publish("virt", "VM_status", "vm-1", Hosts.vmStatus("vm-1", "Up"));
    assertThat(events.poll(WAIT_S, TimeUnit.SECONDS).objectId()).isEqualTo("vm-1");

    CompletableFuture<JsonElement> midCall = host.call(sleep(3_000));
    Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> host.pendingCalls() == 1);
    long killed = System.nanoTime();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
    Throwable failure = failureOf(midCall);
    long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    assertThat(failure).isInstanceOf(ConnectionLostException.class);
    assertThat(((ConnectionLostException) failure).reason()).isIn(Reason.CLOSED_BY_HOST, Reason.IO_ERROR);
    assertThat(detectedMs).as("failed fast, not at the deadline").isLessThan(2_000);
    closing.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(host.pendingCalls()).isZero();

    long restarted = System.nanoTime();
    VdsmServer second = keep(Hosts.start(pki, "127.0.0.1", port));
    Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> host.state() == HostClient.State.CONNECTED);
    long reconnectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
    measured("kill detected in %d ms; reconnected %d ms after the restart on port %d", detectedMs, reconnectMs, port);
    // The restored events subscription was written before this call: once it is answered, the
    // new server has it.
    assertThat(host.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    second.events().publish("virt", "VM_status", "vm-2", Hosts.vmStatus("vm-2", "Up"));
    HostEvent after = events.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(after).isNotNull();
    assertThat(after.id()).isEqualTo("127.0.0.1|virt|VM_status|vm-2");
    assertThat(states).contains(HostClient.State.DISCONNECTED, HostClient.State.CONNECTED);
  }

  @Test
  void aNetworkThatStopsDeliveringIsDetectedByHeartBeatsWithinIntervalPlusGrace() throws Exception {
    PkiLayout pki = pki();
    VdsmServer server = keep(Hosts.start(pki, "127.0.0.1", 0));
    TcpProxy proxy = keep(new TcpProxy(Hosts.address(server)));
    EngineClientFactory factory = keep(EngineClientFactory.builder()
        .pki(pki)
        .heartBeat(new HeartBeat(1_000, 1_000))
        .reconnect(ReconnectPolicy.NEVER)
        .build());
    HostClient host = factory.connect("127.0.0.1", proxy.port()).get(WAIT_S, TimeUnit.SECONDS);
    CompletableFuture<JsonElement> inFlight = host.call(sleep(10_000));
    Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> host.pendingCalls() == 1);
    long silenced = System.nanoTime();
    proxy.blackhole();
    Throwable failure = failureOf(inFlight);
    long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silenced);
    measured("heart-beat loss detected %d ms after the network went silent (1000 ms interval, 1.5 grace)", detectedMs);
    assertThat(((ConnectionLostException) failure).reason()).isEqualTo(Reason.HEART_BEAT);
    // Silent for at most 1500 ms after the last byte, which came at most one interval before.
    assertThat(detectedMs).isLessThanOrEqualTo(1_500 + 500);
    assertThat(host.state()).isEqualTo(HostClient.State.CLOSED);
  }

  @Test
  void aCleanCloseByTheHostIsDetectedAtOnceWithNoBusyThread() throws Exception {
    PkiLayout pki = pki();
    VdsmServer server = Hosts.start(pki, "127.0.0.1", 0);
    EngineClientFactory factory = keep(EngineClientFactory.builder()
        .pki(pki)
        .heartBeat(new HeartBeat(1_000, 1_000))
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(1)))
        .build());
    HostClient host = factory.connect("127.0.0.1", Hosts.port(server)).get(WAIT_S, TimeUnit.SECONDS);
    CompletableFuture<HostClient.State> down = new CompletableFuture<>();
    host.addStateListener((c, s, cause) -> {
      if (s == HostClient.State.DISCONNECTED) {
        down.complete(s);
      }
    });
    // Connected and idle, heart-beats every second both ways: the client's threads must idle too.
    long idleCpu0 = clientCpuNanos();
    Thread.sleep(2_000); // a measuring window, not synchronization
    long idleCpuMs = TimeUnit.NANOSECONDS.toMillis(clientCpuNanos() - idleCpu0);
    measured("connected and idle (1 s heart-beats): client threads used %d ms of CPU in 2000 ms", idleCpuMs);
    assertThat(idleCpuMs).isLessThan(200);

    CompletableFuture<JsonElement> inFlight = host.call(sleep(2_000));
    Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> host.pendingCalls() == 1);
    long closed = System.nanoTime();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    down.get(WAIT_S, TimeUnit.SECONDS);
    long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
    assertThat(((ConnectionLostException) failureOf(inFlight)).reason()).isEqualTo(Reason.CLOSED_BY_HOST);
    assertThat(detectedMs).isLessThan(1_000);
    closing.get(WAIT_S, TimeUnit.SECONDS);

    // Nothing listens any more; the client retries every second at most. Its threads must idle.
    long cpu0 = clientCpuNanos();
    long wall0 = System.nanoTime();
    Thread.sleep(2_000); // a measuring window, not synchronization
    long cpuMs = TimeUnit.NANOSECONDS.toMillis(clientCpuNanos() - cpu0);
    long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wall0);
    measured("close detected in %d ms; client threads used %d ms of CPU in %d ms while the host was gone",
        detectedMs, cpuMs, wallMs);
    assertThat(cpuMs).isLessThan(200);
    assertThat(host.state()).isIn(HostClient.State.DISCONNECTED, HostClient.State.CONNECTING);
  }

  @Test
  void aFailureOfOneHostLeavesAHostWhoseAddressExtendsItUntouched() throws Exception {
    PkiLayout pki = pki("127.0.0.10");
    VdsmServer one = Hosts.start(pki, "127.0.0.1", 0);
    int port = Hosts.port(one);
    VdsmServer ten = keep(Hosts.start(pki, "127.0.0.10", port)); // same port: only the address differs
    EngineClientFactory factory = keep(EngineClientFactory.builder()
        .pki(pki)
        .reconnect(ReconnectPolicy.exponential(Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .build());
    HostClient host1 = factory.connect("127.0.0.1", port).get(WAIT_S, TimeUnit.SECONDS);
    HostClient host10 = factory.connect("127.0.0.10", port).get(WAIT_S, TimeUnit.SECONDS);
    List<HostClient.State> host10States = new CopyOnWriteArrayList<>();
    host10.addStateListener((c, s, cause) -> host10States.add(s));
    LinkedBlockingQueue<HostEvent> events10 = new LinkedBlockingQueue<>();
    host10.subscribe("127.0.0.10|virt|VM_status|*", events10::add);
    host10.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS);

    CompletableFuture<JsonElement> on1 = host1.call(sleep(2_000));
    CompletableFuture<JsonElement> on10 = host10.call(sleep(1_500));
    Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> host1.pendingCalls() == 1 && host10.pendingCalls() == 1);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(one::close);

    assertThat(failureOf(on1)).isInstanceOf(ConnectionLostException.class);
    assertThat(on10.get(WAIT_S, TimeUnit.SECONDS).getAsLong()).isEqualTo(1_500);
    closing.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(host1.state()).isIn(HostClient.State.DISCONNECTED, HostClient.State.CONNECTING);
    assertThat(host10.state()).isEqualTo(HostClient.State.CONNECTED);
    assertThat(host10States).isEmpty();
    assertThat(host10.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    ten.events().publish("virt", "VM_status", "vm-10", Hosts.vmStatus("vm-10", "Up"));
    HostEvent e = events10.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(e).isNotNull();
    assertThat(e.id()).isEqualTo("127.0.0.10|virt|VM_status|vm-10");
    // Calls to the host that is down wait for it within their deadline (the default policy).
    assertThat(failureOf(host1.call("Host.ping2", null, Duration.ofMillis(500), null)))
        .isInstanceOf(CallTimeoutException.class);
  }
}

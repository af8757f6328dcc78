package org.ovirt.vdsm.messaging.it.demo;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.it.broker.ArtemisCertificateLogin;
import org.ovirt.vdsm.messaging.it.broker.ArtemisNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.EmbeddedArtemis;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.DefaultHostBackend;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostRunner;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostSettings;

/**
 * Phase 5 of the demo: engine and host meet on an external broker. An ActiveMQ Artemis node
 * embedded in this JVM (STOMP over mutual TLS, certificate login with per-host rights), host
 * {@value #HOST_ID} in broker mode as two processes (virt, network and host in this JVM; storage in
 * a {@code vdsm-server --broker ... --subsystems storage --direct off} JVM of its own), and
 * engine-client's one broker connection. For each call it prints what the broker saw: which
 * destination each message went to and which connection, of which process, sent it; then the VM's
 * events through their topic, and what happens to storage calls once the storage process is gone.
 */
public final class BrokerDemo {
  static final String ENGINE_ID = "engine1";
  static final String HOST_ID = "host1";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration STORAGE_DOWN_DEADLINE = Duration.ofSeconds(2);

  private final PrintStream out;
  private final long self = ProcessHandle.current().pid();
  private final BrokerTraffic traffic = new BrokerTraffic();
  private final Deque<BrokerTraffic.Send> eventSends = new ArrayDeque<>();
  private int brokerPort;
  private long storagePid = -1;

  /** A demo printing to {@code out}. */
  public BrokerDemo(PrintStream out) {
    this.out = requireNonNull(out, "out");
  }

  /**
   * Runs phase 5 with its files in {@code dir} (created here; the caller deletes it). Everything it
   * starts is stopped before it returns.
   *
   * @return 0 when every step behaved as expected, 1 otherwise
   */
  public int run(Path dir) throws Exception {
    requireNonNull(dir, "dir");
    long t0 = System.nanoTime();
    step("phase 5", "engine and host through an external broker, the host's storage in a process of its own");
    BrokerPki pki = BrokerPki.generate(dir.resolve("pki"));
    ArtemisCertificateLogin login = ArtemisCertificateLogin.write(dir.resolve("login"), pki, List.of(HOST_ID));
    try (EmbeddedArtemis artemis = EmbeddedArtemis.start(
        ArtemisNodeSettings.singleNode("demo-artemis", dir.resolve("artemis"), pki).withCertificateLogin(login))) {
      artemis.server().registerBrokerPlugin(traffic);
      brokerPort = artemis.stompPort();
      String url = artemis.stompUrl();
      step("broker", "ActiveMQ Artemis " + artemis.server().getVersion().getFullVersion() + " in this JVM (pid "
          + self + ") on " + url + ", mutual TLS, certificate login (engine, " + HOST_ID + "), started in "
          + artemis.lastStartTime().toMillis() + " ms");
      try (BrokeredHostRunner main = startMainHost(pki, url);
          VdsmServerProcess storage = startStorageProcess(pki, url, dir)) {
        try (EngineClientFactory factory = EngineClientFactory.builder().pki(pki.layout())
                .defaultTimeout(Duration.ofSeconds(10)).build();
            BrokerConnection broker = factory.broker(ENGINE_ID, URI.create(url))) {
          long c0 = System.nanoTime();
          broker.connected().get(WAIT.toSeconds(), TimeUnit.SECONDS);
          step("engine", ENGINE_ID + " (pid " + self + ") connected in " + ms(c0) + " ms: one STOMP connection"
              + " for every host, replies on " + broker.replyDestination());
          traffic.drain();
          return session(broker.host(HOST_ID), storage);
        }
      }
    } finally {
      step("phase 5", "engine, both host processes and the broker stopped; phase 5 took " + ms(t0) + " ms");
    }
  }

  private BrokeredHostRunner startMainHost(BrokerPki pki, String url) throws Exception {
    CompletableFuture<String> connected = new CompletableFuture<>();
    BrokeredHostSettings settings = BrokeredHostSettings.of(List.of(BrokerUrl.parse(url)), HOST_ID,
        EnumSet.of(Subsystem.VIRT, Subsystem.NETWORK, Subsystem.HOST));
    BrokeredHostRunner runner = BrokeredHostRunner.start(VdsmServerConfig.plain("127.0.0.1", 0),
        SimulationSettings.defaults(), settings, pki.client(HOST_ID).sslContext(), false, connected::complete);
    try {
      step("host process 1", "pid " + self + " (this JVM): " + connected.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      return runner;
    } catch (Exception e) {
      runner.close();
      throw e;
    }
  }

  private VdsmServerProcess startStorageProcess(BrokerPki pki, String url, Path dir) throws Exception {
    BrokerPki.ClientCredentials host = pki.client(HOST_ID);
    Path pkiDir = dir.resolve("host-pki");
    Files.createDirectories(pkiDir.resolve("certs"));
    Files.createDirectories(pkiDir.resolve("keys"));
    Files.copy(host.trustedCa(), pkiDir.resolve("certs/cacert.pem"));
    Files.copy(host.certificate(), pkiDir.resolve("certs/vdsmcert.pem"));
    Files.copy(host.key(), pkiDir.resolve("keys/vdsmkey.pem"));
    Path log = dir.resolve("storage-process.log");
    List<String> shown = List.of("--broker", url, "--host-id", HOST_ID, "--subsystems", "storage", "--direct", "off");
    List<String> args = new ArrayList<>(shown);
    args.addAll(List.of("--pki-dir", pkiDir.toString()));
    long s0 = System.nanoTime();
    VdsmServerProcess storage = VdsmServerProcess.start(args, log);
    try {
      String line = storage.nextLine(WAIT);
      if (line == null || !line.startsWith("vdsm-server connected to broker")) {
        throw new IOException("the storage process did not connect within " + WAIT.toSeconds() + " s (first line: "
            + line + "); its log ends with:\n" + VdsmServerProcess.tail(log));
      }
      storagePid = storage.pid();
      step("host process 2", "pid " + storage.pid() + ", vdsm-server " + String.join(" ", shown) + " (up in " + ms(s0)
          + " ms): " + line);
      return storage;
    } catch (Exception e) {
      storage.close();
      throw e;
    }
  }

  private int session(HostClient host, VdsmServerProcess storage) throws Exception {
    call(host, "Host.ping2", null);
    String vmId = UUID.randomUUID().toString();
    BlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    host.subscribe("*|virt|VM_status|" + vmId, events::add);
    call(host, "VM.create", vmCreate(vmId));
    if (!showEventsUntilUp(events)) {
      return 1;
    }
    JsonObject domain = new JsonObject();
    domain.addProperty("storagedomainID", DefaultHostBackend.DEFAULT_STORAGE_DOMAIN_ID);
    call(host, "StorageDomain.getInfo", domain);
    JsonElement prepared = call(host, "Image.prepare", imagePrepare());
    JsonObject task = new JsonObject();
    task.add("taskID", prepared.getAsJsonObject().get("taskID"));
    call(host, "Task.getStatus", task);
    JsonObject destroy = new JsonObject();
    destroy.addProperty("vmID", vmId);
    call(host, "VM.destroy", destroy);

    storage.kill();
    step("host process 2", "killed (SIGKILL); its request queue has no consumer now");
    long t = System.nanoTime();
    try {
      host.call("StorageDomain.getInfo", domain, STORAGE_DOWN_DEADLINE, null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      step("StorageDomain.getInfo", "unexpectedly answered with the storage process gone");
      return 1;
    } catch (ExecutionException e) {
      step("StorageDomain.getInfo", "failed after " + ms(t) + " ms (deadline " + STORAGE_DOWN_DEADLINE.toSeconds()
          + " s): " + e.getCause().getClass().getSimpleName() + "; the request waited in " + destinations(traffic.drain()));
    }
    call(host, "Host.ping2", null);
    return 0;
  }

  /** Calls {@code method} and prints its answer, its time and the route its messages took. */
  private JsonElement call(HostClient host, String method, JsonObject params) throws Exception {
    long t = System.nanoTime();
    String answer;
    JsonElement result = null;
    try {
      result = host.call(method, params).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      answer = result.isJsonObject() ? "{...} (" + result.getAsJsonObject().size() + " members)" : String.valueOf(result);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof JsonRpcErrorException rpc)) {
        throw e;
      }
      answer = "error " + rpc.code() + " \"" + rpc.error().message() + "\"";
    }
    step(method, answer + " in " + String.format("%.2f", (System.nanoTime() - t) / 1e6) + " ms");
    out.println(INDENT + route(traffic.drain()));
    return result;
  }

  private String route(List<BrokerTraffic.Send> sends) {
    StringBuilder sb = new StringBuilder();
    for (BrokerTraffic.Send send : sends) {
      if (send.destination().startsWith("/topic/")) {
        eventSends.add(send);
        continue;
      }
      sb.append(sb.length() == 0 ? "" : "; ").append(sender(send)).append(" -> ").append(send.destination());
    }
    return sb.toString();
  }

  /** The user and process of a message's sender. */
  private String sender(BrokerTraffic.Send send) {
    long pid = SocketOwners.owner(send.senderPort(), brokerPort, List.of(self, storagePid)).orElse(-1L);
    String process = pid == self ? "this JVM" : pid == storagePid && pid > 0 ? "storage process" : "process unknown";
    return send.user() + " (" + process + (pid > 0 ? ", pid " + pid : "") + ")";
  }

  private boolean showEventsUntilUp(BlockingQueue<HostEvent> events) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      HostEvent event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (event == null) {
        break;
      }
      route(traffic.drain());
      BrokerTraffic.Send send = eventSends.pollFirst();
      String status = event.params().getAsJsonObject().getAsJsonObject(event.objectId()).get("status").getAsString();
      step("event", event.name() + " " + status + " of VM " + event.objectId().substring(0, 8) + "..."
          + (send == null ? "" : ", " + sender(send) + " -> " + send.destination()));
      if (status.equals("Up")) {
        eventSends.clear();
        return true;
      }
    }
    step("event", "the VM did not come Up within " + WAIT.toSeconds() + " s");
    return false;
  }

  private static String destinations(List<BrokerTraffic.Send> sends) {
    return sends.stream().map(BrokerTraffic.Send::destination).filter(d -> d.startsWith("/queue/vdsm.requests"))
        .distinct().collect(Collectors.joining(", "));
  }

  private static JsonObject vmCreate(String vmId) {
    JsonObject vmParams = new JsonObject();
    vmParams.addProperty("vmId", vmId);
    vmParams.addProperty("vmName", "demo-vm");
    vmParams.addProperty("memSize", 1024);
    JsonObject create = new JsonObject();
    create.addProperty("vmID", vmId);
    create.add("vmParams", vmParams);
    return create;
  }

  private static JsonObject imagePrepare() {
    JsonObject p = new JsonObject();
    p.addProperty("storagepoolID", DefaultHostBackend.DEFAULT_STORAGE_POOL_ID);
    p.addProperty("storagedomainID", DefaultHostBackend.DEFAULT_STORAGE_DOMAIN_ID);
    p.addProperty("imageID", UUID.randomUUID().toString());
    p.addProperty("volumeID", UUID.randomUUID().toString());
    return p;
  }

  private static final String INDENT = " ".repeat(21);

  private void step(String what, String detail) {
    out.printf("%-20s %s%n", what, detail);
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}

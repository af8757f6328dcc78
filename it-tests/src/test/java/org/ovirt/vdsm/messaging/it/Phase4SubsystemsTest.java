package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.schema.SchemaValidator;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.testing.RawStompClient.Frame;

/**
 * Phase 4: subsystems with their own executors and event topics, over mutual TLS. A slow storage
 * call does not delay VM calls; VM lifecycle events arrive in order on {@code jms.queue.events}
 * and on the virt topic; storage tasks report through Task.*, Host.getJobs and job events. Every
 * response and every event is checked strictly against the API schema.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Phase4SubsystemsTest {
  private static final int WAIT_S = 30;
  private static final SchemaValidator SCHEMA = SchemaValidator.vdsm();

  @TempDir static Path dir;
  static TestHost host;
  static TestHost slowStorageHost;
  static EngineClientFactory factory;
  static HostClient client;

  @BeforeAll
  static void start() throws Exception {
    SimulationSettings quick = SimulationSettings.defaults()
        .withVmDelays(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(50))
        .withTaskDuration(Duration.ofMillis(400))
        .withTaskProgressSteps(4);
    host = TestHost.start(dir.resolve("host"), c -> c, quick);
    slowStorageHost = TestHost.start(dir.resolve("slow"), c -> c, quick.withStorageCallLatency(Duration.ofSeconds(3)));
    factory = EngineClientFactory.builder().pki(host.pki).defaultTimeout(Duration.ofSeconds(WAIT_S)).build();
    client = factory.connect("localhost", host.port()).get(WAIT_S, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    client.close();
    factory.close();
    host.close();
    slowStorageHost.close();
  }

  /** Calls a method and checks its result strictly against the schema. */
  private static JsonElement call(HostClient c, String method, JsonObject params) throws Exception {
    JsonElement result = c.call(method, params).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(SCHEMA.validateResult(method, result)).as("schema violations in the result of " + method).isEmpty();
    return result;
  }

  private static JsonObject params(Object... namesAndValues) {
    JsonObject p = new JsonObject();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      p.add((String) namesAndValues[i], org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec.gson().toJsonTree(namesAndValues[i + 1]));
    }
    return p;
  }

  /**
   * One connection subscribed to the events queue and the virt and jobs topics; every event read is
   * checked against the schema and filed by subscription.
   */
  private static final class EventWatcher implements AutoCloseable {
    final RawStompClient stomp;
    final java.util.Map<String, List<JsonObject>> bySubscription = new java.util.HashMap<>();

    EventWatcher(TestHost h) throws Exception {
      stomp = new RawStompClient(h.engineSslContext().getSocketFactory(), h.address, Duration.ofSeconds(WAIT_S));
      stomp.connect("0,0").readFrame();
      stomp.send("SUBSCRIBE\nid:events\ndestination:jms.queue.events\n\n\0");
      stomp.send("SUBSCRIBE\nid:virt\ndestination:jms.topic.vdsm.virt\n\n\0");
      stomp.send("SUBSCRIBE\nid:jobs\ndestination:jms.topic.vdsm.jobs\nreceipt:ready\n\n\0");
      assertThat(stomp.readFrame().header("receipt-id")).isEqualTo("ready");
    }

    /** Reads events until {@code done} holds for what {@code subscription} received. */
    List<JsonObject> readUntil(String subscription, java.util.function.Predicate<List<JsonObject>> done) throws Exception {
      List<JsonObject> mine = bySubscription.computeIfAbsent(subscription, k -> new ArrayList<>());
      while (!done.test(mine)) {
        Frame f = stomp.readFrame(); // bounded by the socket's read timeout
        JsonObject event = JsonParser.parseString(f.bodyText()).getAsJsonObject();
        String method = event.get("method").getAsString();
        assertThat(event.has("id")).as("an event is a notification").isFalse();
        assertThat(SCHEMA.validateEvent(method, event.get("params"))).as("schema violations in " + method).isEmpty();
        bySubscription.computeIfAbsent(f.header("subscription"), k -> new ArrayList<>()).add(event);
      }
      return mine;
    }

    /** The VM statuses of {@code vmId} seen on {@code subscription}, in arrival order. */
    List<String> statuses(String subscription, String vmId) {
      List<String> out = new ArrayList<>();
      for (JsonObject e : bySubscription.getOrDefault(subscription, List.of())) {
        if (e.get("method").getAsString().equals("|virt|VM_status|" + vmId)) {
          out.add(e.getAsJsonObject("params").getAsJsonObject(vmId).get("status").getAsString());
        }
      }
      return out;
    }

    /** Reads until {@code vmId}'s last status on the events queue is {@code status}. */
    void awaitStatus(String vmId, String status) throws Exception {
      readUntil("events", got -> {
        List<String> s = statuses("events", vmId);
        return !s.isEmpty() && s.get(s.size() - 1).equals(status);
      });
    }

    @Override
    public void close() throws Exception {
      stomp.close();
    }
  }

  @Test
  void vmLifecycleEventsArriveInOrderOnTheEventsQueueAndTheVirtTopic() throws Exception {
    String vmId = UUID.randomUUID().toString();
    try (EventWatcher events = new EventWatcher(host)) {
      JsonObject vmParams = params("vmId", vmId, "vmName", "phase4", "memSize", 1024);
      call(client, "VM.create", params("vmID", vmId, "vmParams", vmParams));
      events.awaitStatus(vmId, "Up");
      call(client, "VM.getStats", params("vmID", vmId));
      call(client, "Host.getVMList", params("fullStatus", true));
      call(client, "Host.getAllVmStats", null);
      call(client, "VM.pause", params("vmID", vmId));
      events.awaitStatus(vmId, "Paused");
      call(client, "VM.cont", params("vmID", vmId));
      events.awaitStatus(vmId, "Up");
      call(client, "VM.destroy", params("vmID", vmId));
      events.awaitStatus(vmId, "Down");

      List<String> expected = List.of("WaitForLaunch", "Powering up", "Up", "Paused", "Up", "Down");
      assertThat(events.statuses("events", vmId)).containsExactlyElementsOf(expected);
      events.readUntil("virt", got -> events.statuses("virt", vmId).size() >= expected.size());
      assertThat(events.statuses("virt", vmId)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void storageTaskReportsProgressThroughTasksJobsAndEvents() throws Exception {
    try (EventWatcher events = new EventWatcher(host)) {
      String pool = "00000000-0000-0000-0000-000000000001";
      JsonObject connection = params("id", UUID.randomUUID().toString(), "connection", "nfs.example.com:/exports/data");
      com.google.gson.JsonArray connections = new com.google.gson.JsonArray();
      connections.add(connection);
      call(client, "StoragePool.connectStorageServer", params("storagepoolID", pool, "domainType", 1, "connectionParams", connections));
      String domain = org.ovirt.vdsm.messaging.server.api.DefaultHostBackend.DEFAULT_STORAGE_DOMAIN_ID;
      call(client, "StorageDomain.getInfo", params("storagedomainID", domain));
      JsonObject prepared = call(client, "Image.prepare", params(
          "storagepoolID", org.ovirt.vdsm.messaging.server.api.DefaultHostBackend.DEFAULT_STORAGE_POOL_ID,
          "storagedomainID", domain,
          "imageID", UUID.randomUUID().toString(),
          "volumeID", UUID.randomUUID().toString())).getAsJsonObject();
      String taskId = prepared.get("taskID").getAsString();
      call(client, "Task.getStatus", params("taskID", taskId));
      call(client, "Host.getJobs", params("job_ids", List.of(taskId)));
      List<JsonObject> jobEvents = events.readUntil("jobs", got -> got.stream().anyMatch(e -> {
        JsonObject job = e.getAsJsonObject("params").getAsJsonObject(taskId);
        return job != null && job.get("status").getAsString().equals("done");
      }));
      assertThat(jobEvents).allSatisfy(e -> assertThat(e.get("method").getAsString()).isEqualTo("|jobs|status|" + taskId));
      JsonObject status = call(client, "Task.getStatus", params("taskID", taskId)).getAsJsonObject();
      assertThat(status.toString()).contains("finished");
      call(client, "Task.getInfo", params("taskID", taskId));
      call(client, "Task.clear", params("taskID", taskId));
    }
  }

  @Test
  void slowStorageCallDoesNotDelayVmCalls() throws Exception {
    try (EngineClientFactory slowFactory = EngineClientFactory.builder().pki(slowStorageHost.pki)
            .defaultTimeout(Duration.ofSeconds(WAIT_S)).build();
        HostClient slow = slowFactory.connect("localhost", slowStorageHost.port()).get(WAIT_S, TimeUnit.SECONDS)) {
      String domain = org.ovirt.vdsm.messaging.server.api.DefaultHostBackend.DEFAULT_STORAGE_DOMAIN_ID;
      List<CompletableFuture<JsonElement>> storage = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        storage.add(slow.call("StorageDomain.getInfo", params("storagedomainID", domain)));
      }
      String vmId = UUID.randomUUID().toString();
      call(slow, "VM.create", params("vmID", vmId, "vmParams", params("vmId", vmId, "vmName", "fast", "memSize", 512)));
      call(slow, "Host.getVMList", null);
      // The VM calls were answered while every storage call was still held by its 3 s latency.
      assertThat(storage).noneMatch(CompletableFuture::isDone);
      for (CompletableFuture<JsonElement> f : storage) {
        assertThat(SCHEMA.validateResult("StorageDomain.getInfo", f.get(WAIT_S, TimeUnit.SECONDS))).isEmpty();
      }
    }
  }

  @Test
  void invalidParamsAreRefusedByTheSchemaNamingTheParameter() throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> client.call("VM.create", params("vmID", 42, "vmParams", new JsonObject())).get(WAIT_S, TimeUnit.SECONDS))
        .hasCauseInstanceOf(org.ovirt.vdsm.messaging.client.JsonRpcErrorException.class)
        .cause()
        .satisfies(e -> {
          org.ovirt.vdsm.messaging.client.JsonRpcErrorException rpc = (org.ovirt.vdsm.messaging.client.JsonRpcErrorException) e;
          assertThat(rpc.code()).isEqualTo(-32602);
          assertThat(rpc.error().message()).contains("vmID");
        });
  }
}

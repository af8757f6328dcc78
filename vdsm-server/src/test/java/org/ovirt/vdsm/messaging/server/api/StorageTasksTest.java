package org.ovirt.vdsm.messaging.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.server.api.Backend.task;
import static org.ovirt.vdsm.messaging.server.api.DefaultHostBackend.DEFAULT_STORAGE_DOMAIN_ID;
import static org.ovirt.vdsm.messaging.server.api.DefaultHostBackend.DEFAULT_STORAGE_POOL_ID;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Simulated storage: connections, domains, and image preparation as a task with progress, seen
 * through {@code Task.*}, {@code Host.getJobs} and {@code |jobs|status|} events, on virtual time.
 */
class StorageTasksTest {
  private static final Duration STEP = Duration.ofMillis(250);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final Backend host = new Backend(scheduler,
      SimulationSettings.defaults().withTaskDuration(STEP.multipliedBy(4)).withTaskProgressSteps(4));

  private String prepare() throws Exception {
    return prepare(host).get("taskID").getAsString();
  }

  private static JsonObject prepare(Backend host) throws Exception {
    return host.callObject("Image.prepare", "{\"storagepoolID\":\"" + DEFAULT_STORAGE_POOL_ID
        + "\",\"storagedomainID\":\"" + DEFAULT_STORAGE_DOMAIN_ID + "\",\"imageID\":\"" + UUID.randomUUID()
        + "\",\"volumeID\":\"" + UUID.randomUUID() + "\"}");
  }

  private JsonObject taskStatus(String id) throws Exception {
    return host.callObject("Task.getStatus", task(id));
  }

  @Test
  void connectStorageServerAnswersAStatusPerConnectionAndFindsTheirDomains() throws Exception {
    String pool = UUID.randomUUID().toString();
    String conn = UUID.randomUUID().toString();
    JsonArray statuses = host.call("StoragePool.connectStorageServer", "{\"storagepoolID\":\"" + pool
        + "\",\"domainType\":1,\"connectionParams\":[{\"id\":\"" + conn
        + "\",\"connection\":\"nfs.example.com:/export/data\",\"password\":\"x\"},{\"id\":\"00000000-0000-0000-0000-000000000000\"}]}")
        .getAsJsonArray();

    assertThat(statuses).hasSize(2);
    assertThat(statuses.get(0).getAsJsonObject().get("id").getAsString()).isEqualTo(conn);
    assertThat(statuses.get(0).getAsJsonObject().get("status").getAsInt()).isZero();
    assertThat(statuses.get(1).getAsJsonObject().get("status").getAsInt()).isEqualTo(451);

    JsonObject domains = host.callObject("Host.getStats", null).getAsJsonObject("storageDomains");
    assertThat(domains.keySet()).hasSize(2).contains(DEFAULT_STORAGE_DOMAIN_ID);
    String found = domains.keySet().stream().filter(k -> !k.equals(DEFAULT_STORAGE_DOMAIN_ID)).findFirst().get();
    JsonObject info = host.callObject("StorageDomain.getInfo", "{\"storagedomainID\":\"" + found + "\"}");
    assertThat(info.get("uuid").getAsString()).isEqualTo(found);
    assertThat(info.get("type").getAsString()).isEqualTo("NFS");
    assertThat(info.get("name").getAsString()).isEqualTo("nfs.example.com:/export/data");
    assertThat(info.getAsJsonArray("pool").get(0).getAsString()).isEqualTo(pool);

    host.call("StoragePool.connectStorageServer", "{\"storagepoolID\":\"" + pool
        + "\",\"domainType\":1,\"connectionParams\":[{\"connection\":\"nfs.example.com:/export/data\"}]}");
    assertThat(host.callObject("Host.getStats", null).getAsJsonObject("storageDomains").keySet()).hasSize(2);
  }

  @Test
  void connectStorageServerRejectsAnUnknownDomainType() {
    assertThat(host.errorCode("StoragePool.connectStorageServer", "{\"storagepoolID\":\"" + UUID.randomUUID()
        + "\",\"domainType\":5,\"connectionParams\":[]}")).isEqualTo(-32602);
  }

  @Test
  void theDefaultDomainExistsAndAnUnknownOneAnswers358() throws Exception {
    JsonObject info = host.callObject("StorageDomain.getInfo",
        "{\"storagedomainID\":\"" + DEFAULT_STORAGE_DOMAIN_ID + "\"}");
    assertThat(info.get("role").getAsString()).isEqualTo("Master");
    assertThat(info.get("class").getAsString()).isEqualTo("Data");
    var e = host.error("StorageDomain.getInfo", "{\"storagedomainID\":\"" + UUID.randomUUID() + "\"}");
    assertThat(e.error().code()).isEqualTo(358);
    assertThat(e.error().message()).startsWith("Storage domain does not exist");
  }

  @Test
  void prepareAnswersAtOnceAndRunsATaskToFinishedWithProgressEvents() throws Exception {
    JsonObject prepared = prepare(host);
    String id = prepared.get("taskID").getAsString();
    assertThat(prepared.get("path").getAsString()).startsWith("/rhev/data-center/" + DEFAULT_STORAGE_POOL_ID);
    assertThat(prepared.getAsJsonArray("imgVolumesInfo")).hasSize(1);
    assertThat(taskStatus(id).get("taskState").getAsString()).isEqualTo("init");
    assertThat(host.callObject("Task.getInfo", task(id)).get("verb").getAsString()).isEqualTo("prepareImage");

    scheduler.runDue();
    assertThat(taskStatus(id).get("taskState").getAsString()).isEqualTo("running");
    scheduler.advance(STEP);
    JsonObject job = host.callObject("Host.getJobs", null).getAsJsonObject(id);
    assertThat(job.get("status").getAsString()).isEqualTo("running");
    assertThat(job.get("progress").getAsInt()).isEqualTo(25);
    assertThat(job.get("job_type").getAsString()).isEqualTo("storage");
    scheduler.advance(STEP.multipliedBy(3));

    JsonObject done = taskStatus(id);
    assertThat(done.get("taskID").getAsString()).isEqualTo(id);
    assertThat(done.get("taskState").getAsString()).isEqualTo("finished");
    assertThat(done.get("taskResult").getAsString()).isEqualTo("success");
    assertThat(done.get("code").getAsInt()).isZero();
    assertThat(host.events.jobStatus(id)).extracting(j -> j.get("status").getAsString() + ":" + j.get("progress"))
        .containsExactly("pending:0", "running:0", "running:25", "running:50", "running:75", "done:100");
    assertThat(host.events.all()).allSatisfy(e -> {
      assertThat(e.subsystem()).isEqualTo("jobs");
      assertThat(e.event()).isEqualTo("status");
    });
  }

  @Test
  void stopAbortsARunningTask() throws Exception {
    String id = prepare();
    scheduler.advance(STEP);
    assertThat(host.call("Task.stop", task(id))).isNull();
    assertThat(taskStatus(id).get("taskState").getAsString()).isEqualTo("aborting");
    scheduler.runDue();

    JsonObject s = taskStatus(id);
    assertThat(s.get("taskState").getAsString()).isEqualTo("finished");
    assertThat(s.get("taskResult").getAsString()).isEqualTo("cleanSuccess");
    assertThat(s.get("code").getAsInt()).isEqualTo(411);
    assertThat(host.events.jobStatus(id)).extracting(j -> j.get("status").getAsString())
        .endsWith("running", "aborted");
    scheduler.advance(STEP.multipliedBy(10));
    assertThat(host.events.jobStatus(id).get(host.events.jobStatus(id).size() - 1).get("status").getAsString())
        .isEqualTo("aborted");
  }

  @Test
  void stopOfAFinishedTaskAndClearOfARunningOneAnswer410() throws Exception {
    String running = prepare();
    assertThat(host.errorCode("Task.clear", task(running))).isEqualTo(410);
    scheduler.advance(STEP.multipliedBy(4));
    assertThat(host.errorCode("Task.stop", task(running))).isEqualTo(410);
  }

  @Test
  void clearForgetsAFinishedTask() throws Exception {
    String id = prepare();
    scheduler.advance(STEP.multipliedBy(4));
    assertThat(host.call("Task.clear", task(id))).isNull();
    assertThat(host.errorCode("Task.getStatus", task(id))).isEqualTo(401);
    assertThat(host.callObject("Host.getJobs", null).keySet()).doesNotContain(id);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Task.getStatus", "Task.getInfo", "Task.stop", "Task.clear"})
  void unknownTaskAnswers401(String method) {
    var e = host.error(method, task(UUID.randomUUID().toString()));
    assertThat(e.error().code()).isEqualTo(401);
    assertThat(e.error().message()).startsWith("Task id unknown");
  }

  @Test
  void getJobsFiltersByTypeAndIds() throws Exception {
    String a = prepare();
    String b = prepare();
    assertThat(host.callObject("Host.getJobs", null).keySet()).containsExactlyInAnyOrder(a, b);
    assertThat(host.callObject("Host.getJobs", "{\"job_type\":\"storage\"}").keySet()).containsExactlyInAnyOrder(a, b);
    assertThat(host.callObject("Host.getJobs", "{\"job_type\":\"v2v\"}").keySet()).isEmpty();
    assertThat(host.callObject("Host.getJobs", "{\"job_ids\":[\"" + b + "\",\"" + UUID.randomUUID() + "\"]}").keySet())
        .containsExactly(b);
    assertThat(host.errorCode("Host.getJobs", "{\"job_type\":\"bogus\"}")).isEqualTo(-32602);
  }

  @Test
  void theOldestFinishedTasksAreForgottenPastTheBound() throws Exception {
    Backend small = new Backend(scheduler, SimulationSettings.immediate().withBounds(10, 10, 2, 10));
    String first = prepare(small).get("taskID").getAsString();
    scheduler.runDue();
    String second = prepare(small).get("taskID").getAsString();
    String third = prepare(small).get("taskID").getAsString();
    scheduler.runDue();
    assertThat(small.errorCode("Task.getStatus", task(first))).isEqualTo(401);
    assertThat(small.callObject("Host.getJobs", null).keySet()).containsExactlyInAnyOrder(second, third);
  }

  @Test
  void tooManyRunningTasksAnswer405() throws Exception {
    Backend small = new Backend(scheduler, SimulationSettings.defaults().withBounds(10, 1, 10, 10));
    prepare(small);
    assertThat(small.error("Image.prepare", "{\"storagepoolID\":\"" + DEFAULT_STORAGE_POOL_ID
        + "\",\"storagedomainID\":\"" + DEFAULT_STORAGE_DOMAIN_ID + "\",\"imageID\":\"" + UUID.randomUUID()
        + "\",\"volumeID\":\"" + UUID.randomUUID() + "\"}").error().code()).isEqualTo(405);
  }

  @Test
  void prepareOnAnUnknownDomainAnswers358AndStartsNoTask() throws Exception {
    assertThat(host.errorCode("Image.prepare", "{\"storagepoolID\":\"" + DEFAULT_STORAGE_POOL_ID
        + "\",\"storagedomainID\":\"" + UUID.randomUUID() + "\",\"imageID\":\"" + UUID.randomUUID()
        + "\",\"volumeID\":\"" + UUID.randomUUID() + "\"}")).isEqualTo(358);
    assertThat(host.callObject("Host.getJobs", null).keySet()).isEmpty();
    assertThat(host.events.all()).isEmpty();
  }

  @Test
  void storageCallLatencyDelaysStorageCallsButNotOthers() throws Exception {
    Duration latency = Duration.ofMillis(400);
    ScheduledExecutorService real = Executors.newSingleThreadScheduledExecutor();
    try {
      Backend slow = new Backend(real, SimulationSettings.immediate().withStorageCallLatency(latency));
      List<String[]> calls = List.of(
          new String[] {"StorageDomain.getInfo", "{\"storagedomainID\":\"" + DEFAULT_STORAGE_DOMAIN_ID + "\"}"},
          new String[] {"StoragePool.connectStorageServer", "{\"storagepoolID\":\"" + DEFAULT_STORAGE_POOL_ID
              + "\",\"domainType\":4,\"connectionParams\":[{\"path\":\"/data\"}]}"});
      for (String[] call : calls) {
        long start = System.nanoTime();
        slow.call(call[0], call[1]);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as(call[0]).isGreaterThanOrEqualTo(latency);
      }
      long taskStart = System.nanoTime();
      slow.error("Task.getStatus", task(UUID.randomUUID().toString()));
      assertThat(Duration.ofNanos(System.nanoTime() - taskStart)).isGreaterThanOrEqualTo(latency);
      long start = System.nanoTime();
      String vm = slow.createVm("fast");
      slow.call("VM.getInfo", Backend.vm(vm));
      slow.call("Host.getJobs", null);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(latency);
    } finally {
      real.shutdownNow();
    }
  }
}

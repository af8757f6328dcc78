package org.ovirt.vdsm.messaging.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.server.api.Backend.vm;
import static org.ovirt.vdsm.messaging.server.api.Backend.vmParams;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulated VM status machine, driven on virtual time: transitions, their events in order, and
 * VDSM's error codes for unknown VMs, duplicates and invalid transitions.
 */
class VmLifecycleTest {
  private static final Duration LAUNCH = Duration.ofMillis(100);
  private static final Duration BOOT = Duration.ofMillis(300);
  private static final Duration SHUTDOWN = Duration.ofMillis(300);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final Backend host = new Backend(scheduler, SimulationSettings.defaults());

  private String upVm() throws Exception {
    String id = host.createVm("web");
    scheduler.advance(LAUNCH.plus(BOOT));
    assertThat(host.status(id)).isEqualTo("Up");
    return id;
  }

  @Test
  void createAnswersWaitForLaunchThenBootsThroughPoweringUpToUp() throws Exception {
    String id = UUID.randomUUID().toString();
    JsonObject created = host.callObject("VM.create", vmParams(id, "web"));

    assertThat(created.get("vmId").getAsString()).isEqualTo(id);
    assertThat(created.get("vmName").getAsString()).isEqualTo("web");
    assertThat(created.get("memSize").getAsLong()).isEqualTo(2048);
    assertThat(created.get("status").getAsString()).isEqualTo("WaitForLaunch");
    assertThat(host.events.statuses(id)).containsExactly("WaitForLaunch");

    scheduler.advance(LAUNCH.minusMillis(1));
    assertThat(host.status(id)).isEqualTo("WaitForLaunch");
    scheduler.advance(Duration.ofMillis(1));
    assertThat(host.status(id)).isEqualTo("Powering up");
    scheduler.advance(BOOT);
    assertThat(host.status(id)).isEqualTo("Up");

    assertThat(host.events.statuses(id)).containsExactly("WaitForLaunch", "Powering up", "Up");
    RecordingEventSink.Event last = host.events.all().get(host.events.all().size() - 1);
    assertThat(last.subsystem()).isEqualTo("virt");
    assertThat(last.event()).isEqualTo("VM_status");
    assertThat(last.objectId()).isEqualTo(id);
    assertThat(last.params().keySet()).containsExactly(id);
    JsonObject up = last.params().getAsJsonObject(id);
    // VDSM's VM_status carries the status and a few running statistics, not the whole VM.
    assertThat(up.get("status").getAsString()).isEqualTo("Up");
    assertThat(up.get("elapsedTime").getAsString()).matches("\\d+");
    assertThat(up.has("vmName")).isFalse();
  }

  @Test
  void pauseAndContinue() throws Exception {
    String id = upVm();
    assertThat(host.callObject("VM.pause", vm(id)).get("status").getAsString()).isEqualTo("Paused");
    assertThat(host.callObject("VM.cont", vm(id)).get("status").getAsString()).isEqualTo("Up");
    assertThat(host.events.statuses(id)).containsExactly("WaitForLaunch", "Powering up", "Up", "Paused", "Up");
  }

  @Test
  void pauseWhilePoweringUpIsNotUndoneByTheBootTimer() throws Exception {
    String id = host.createVm("web");
    scheduler.advance(LAUNCH);
    host.call("VM.pause", vm(id));
    scheduler.advance(BOOT.multipliedBy(2));
    assertThat(host.status(id)).isEqualTo("Paused");
    assertThat(host.events.statuses(id)).containsExactly("WaitForLaunch", "Powering up", "Paused");
  }

  @Test
  void shutdownPowersDownToDownWithAUserShutdownAndTheVmStaysListedUntilDestroyed() throws Exception {
    String id = upVm();
    assertThat(host.call("VM.shutdown", "{\"vmID\":\"" + id + "\",\"message\":\"bye\"}")).isNull();
    assertThat(host.status(id)).isEqualTo("Powering down");
    scheduler.advance(SHUTDOWN);

    JsonObject down = host.call("VM.getStats", vm(id)).getAsJsonArray().get(0).getAsJsonObject();
    assertThat(down.get("status").getAsString()).isEqualTo("Down");
    assertThat(down.get("exitCode").getAsInt()).isZero();
    assertThat(down.get("exitReason").getAsInt()).isEqualTo(VirtSimulator.EXIT_REASON_USER_SHUTDOWN);
    assertThat(down.get("exitMessage").getAsString()).isEqualTo("User shut down from within the guest");
    assertThat(host.events.statuses(id)).endsWith("Up", "Powering down", "Down");
    JsonObject downEvent = host.events.vmStatus(id).get(host.events.vmStatus(id).size() - 1);
    assertThat(downEvent.keySet()).isNotEmpty().allSatisfy(k -> assertThat(downEvent.get(k)).isEqualTo(down.get(k)));
    assertThat(downEvent.get("exitReason").getAsInt()).isEqualTo(VirtSimulator.EXIT_REASON_USER_SHUTDOWN);

    host.call("VM.destroy", vm(id));
    assertThat(host.errorCode("VM.getInfo", vm(id))).isEqualTo(1);
    assertThat(host.events.statuses(id)).endsWith("Powering down", "Down");
  }

  @Test
  void shutdownDelayIsAddedToTheShutdownTime() throws Exception {
    String id = upVm();
    host.call("VM.shutdown", "{\"vmID\":\"" + id + "\",\"delay\":2}");
    scheduler.advance(SHUTDOWN.plusSeconds(2).minusMillis(1));
    assertThat(host.status(id)).isEqualTo("Powering down");
    scheduler.advance(Duration.ofMillis(1));
    assertThat(host.status(id)).isEqualTo("Down");
  }

  @Test
  void rebootGoesThroughRebootInProgressBackToUp() throws Exception {
    String id = upVm();
    host.call("VM.shutdown", "{\"vmID\":\"" + id + "\",\"reboot\":true}");
    scheduler.advance(SHUTDOWN.plus(BOOT));
    assertThat(host.events.statuses(id)).endsWith("Up", "RebootInProgress", "Powering up", "Up");
  }

  @Test
  void destroyPublishesDownWithAnAdminShutdownThenRemovesTheVm() throws Exception {
    String id = upVm();
    assertThat(host.call("VM.destroy", vm(id))).isNull();

    JsonObject down = host.events.vmStatus(id).get(host.events.vmStatus(id).size() - 1);
    assertThat(down.get("status").getAsString()).isEqualTo("Down");
    assertThat(down.get("exitCode").getAsInt()).isZero();
    assertThat(down.get("exitReason").getAsInt()).isEqualTo(VirtSimulator.EXIT_REASON_ADMIN_SHUTDOWN);
    assertThat(down.get("exitMessage").getAsString()).isEqualTo("Admin shut down from the engine");
    assertThat(host.errorCode("VM.getStats", vm(id))).isEqualTo(1);
    assertThat(host.call("Host.getVMList", null).getAsJsonArray()).isEmpty();
  }

  @Test
  void destroyDuringBootCancelsTheRemainingTransitions() throws Exception {
    String id = host.createVm("web");
    scheduler.advance(LAUNCH);
    host.call("VM.destroy", vm(id));
    scheduler.advance(BOOT.multipliedBy(3));
    assertThat(host.events.statuses(id)).containsExactly("WaitForLaunch", "Powering up", "Down");
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void secondCreateOfTheSameIdAnswers4() throws Exception {
    String id = UUID.randomUUID().toString();
    host.call("VM.create", vmParams(id, "a"));
    var e = host.error("VM.create", vmParams(id, "b"));
    assertThat(e.error().code()).isEqualTo(4);
    assertThat(e.error().message()).startsWith("Virtual machine already exists");
    assertThat(host.callObject("VM.getInfo", vm(id)).get("vmName").getAsString()).isEqualTo("a");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"VM.getStats", "VM.getInfo", "VM.pause", "VM.cont", "VM.shutdown", "VM.destroy"})
  void unknownVmAnswers1(String method) {
    var e = host.error(method, vm(UUID.randomUUID().toString()));
    assertThat(e.error().code()).isEqualTo(1);
    assertThat(e.error().message()).startsWith("Virtual machine does not exist");
  }

  static Stream<Arguments> invalidTransitions() {
    return Stream.of(
        Arguments.of("pause while WaitForLaunch", Duration.ZERO, "VM.pause", 75),
        Arguments.of("cont while WaitForLaunch", Duration.ZERO, "VM.cont", 75),
        Arguments.of("shutdown while WaitForLaunch", Duration.ZERO, "VM.shutdown", 75),
        Arguments.of("cont while Up", LAUNCH.plus(BOOT), "VM.cont", 75),
        Arguments.of("cont while Powering up", LAUNCH, "VM.cont", 75));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void invalidTransitions(String name, Duration after, String method, int code) throws Exception {
    String id = host.createVm("web");
    scheduler.advance(after);
    String before = host.status(id);
    var e = host.error(method, vm(id));
    assertThat(e.error().code()).isEqualTo(code);
    assertThat(e.error().message()).startsWith("Operation not supported").contains(before);
    assertThat(host.status(id)).isEqualTo(before);
  }

  @Test
  void pauseOfAPausedVmAnswers75() throws Exception {
    String id = upVm();
    host.call("VM.pause", vm(id));
    assertThat(host.errorCode("VM.pause", vm(id))).isEqualTo(75);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"VM.pause", "VM.cont", "VM.shutdown"})
  void operationsOnADownVmAnswer6(String method) throws Exception {
    String id = upVm();
    host.call("VM.shutdown", vm(id));
    scheduler.advance(SHUTDOWN);
    var e = host.error(method, vm(id));
    assertThat(e.error().code()).isEqualTo(6);
    assertThat(e.error().message()).startsWith("Virtual machine is down");
  }

  @Test
  void secondShutdownWhilePoweringDownChangesNothing() throws Exception {
    String id = upVm();
    host.call("VM.shutdown", vm(id));
    host.call("VM.shutdown", vm(id));
    scheduler.advance(SHUTDOWN);
    assertThat(host.events.statuses(id)).endsWith("Up", "Powering down", "Down");
  }

  @Test
  void createsBeyondTheVmLimitAnswer9() throws Exception {
    Backend small = new Backend(scheduler, SimulationSettings.defaults().withBounds(2, 10, 10, 10));
    small.createVm("a");
    String b = small.createVm("b");
    var e = small.error("VM.create", vmParams(UUID.randomUUID().toString(), "c"));
    assertThat(e.error().code()).isEqualTo(9);
    small.call("VM.destroy", vm(b));
    small.createVm("d");
  }

  @Test
  void vmParamsAreValidatedAndDefaulted() throws Exception {
    String id = UUID.randomUUID().toString();
    JsonObject created = host.callObject("VM.create",
        "{\"vmID\":\"" + id + "\",\"vmParams\":{\"memSize\":\"512\",\"display\":\"vnc\",\"password\":\"s3cret\","
            + "\"devices\":[{\"device\":\"disk\",\"_X_key\":\"k\"}]}}");
    assertThat(created.get("vmId").getAsString()).isEqualTo(id);
    assertThat(created.get("vmName").getAsString()).isEqualTo(id);
    assertThat(created.get("memSize").getAsLong()).isEqualTo(512);
    assertThat(created.get("smp").getAsString()).isEqualTo("1");
    assertThat(created.get("display").getAsString()).isEqualTo("vnc");
    assertThat(created.toString()).doesNotContain("s3cret", "password", "_X_key");
    assertThat(created.getAsJsonArray("devices").get(0).getAsJsonObject().get("device").getAsString())
        .isEqualTo("disk");
  }

  static Stream<Arguments> invalidCreates() {
    String id = UUID.randomUUID().toString();
    return Stream.of(
        Arguments.of("vmID not a UUID", "{\"vmID\":\"vm|1\",\"vmParams\":{}}"),
        Arguments.of("vmID missing", "{\"vmParams\":{}}"),
        Arguments.of("vmParams missing", "{\"vmID\":\"" + id + "\"}"),
        Arguments.of("vmParams not an object", "{\"vmID\":\"" + id + "\",\"vmParams\":[]}"),
        Arguments.of("memSize negative", "{\"vmID\":\"" + id + "\",\"vmParams\":{\"memSize\":-1}}"),
        Arguments.of("memSize not a number", "{\"vmID\":\"" + id + "\",\"vmParams\":{\"memSize\":\"lots\"}}"),
        Arguments.of("vmId differs", "{\"vmID\":\"" + id + "\",\"vmParams\":{\"vmId\":\"" + UUID.randomUUID() + "\"}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void invalidCreates(String name, String params) {
    assertThat(host.errorCode("VM.create", params)).isEqualTo(-32602);
    assertThat(host.events.all()).isEmpty();
  }

  @Test
  void getStatsIsAListOfOneRunningStatsRecord() throws Exception {
    String id = upVm();
    JsonArray stats = host.call("VM.getStats", vm(id)).getAsJsonArray();
    assertThat(stats).hasSize(1);
    JsonObject s = stats.get(0).getAsJsonObject();
    assertThat(s.get("vmId").getAsString()).isEqualTo(id);
    assertThat(s.get("status").getAsString()).isEqualTo("Up");
    assertThat(s.get("statusTime").getAsString()).matches("\\d+");
    assertThat(s.get("cpuUser").getAsString()).matches("\\d+\\.\\d\\d");
    assertThat(s.get("monitorResponse").getAsString()).isEqualTo("0");
  }
}

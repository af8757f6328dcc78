package org.ovirt.vdsm.messaging.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.ovirt.vdsm.messaging.server.api.Backend.vm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Host} namespace of the default backend: statistics and hardware from real (or staged)
 * machine facts, VM listings, jobs, log levels, and the registered methods with VDSM's parameters.
 */
class HostMethodsTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Backend host = new Backend(scheduler, SimulationSettings.defaults());

  static Stream<Arguments> registeredMethods() {
    return Stream.of(
        Arguments.of("Host.ping2", List.of()),
        Arguments.of("Host.echo", List.of("message")),
        Arguments.of("Host.getCapabilities", List.of()),
        Arguments.of("Host.getStats", List.of()),
        Arguments.of("Host.getHardwareInfo", List.of()),
        Arguments.of("Host.getVMList", List.of("fullStatus", "vmList", "onlyUUID")),
        Arguments.of("Host.getVMFullList", List.of("vmList")),
        Arguments.of("Host.getAllVmStats", List.of()),
        Arguments.of("Host.getJobs", List.of("job_type", "job_ids")),
        Arguments.of("Host.setLogLevel", List.of("level", "name")),
        Arguments.of("VM.create", List.of("vmID", "vmParams")),
        Arguments.of("VM.destroy", List.of("vmID", "gracefulAttempts")),
        Arguments.of("VM.getStats", List.of("vmID")),
        Arguments.of("VM.getInfo", List.of("vmID")),
        Arguments.of("VM.pause", List.of("vmID")),
        Arguments.of("VM.cont", List.of("vmID")),
        Arguments.of("VM.shutdown", List.of("vmID", "delay", "message", "reboot", "timeout", "force")),
        Arguments.of("StoragePool.connectStorageServer", List.of("storagepoolID", "domainType", "connectionParams")),
        Arguments.of("StorageDomain.getInfo", List.of("storagedomainID")),
        Arguments.of("Image.prepare", List.of("storagepoolID", "storagedomainID", "imageID", "volumeID", "allowIllegal")),
        Arguments.of("Task.getStatus", List.of("taskID")),
        Arguments.of("Task.getInfo", List.of("taskID")),
        Arguments.of("Task.stop", List.of("taskID")),
        Arguments.of("Task.clear", List.of("taskID")));
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource
  void registeredMethods(String name, List<String> params) {
    assertThat(host.registry.find(name)).hasValueSatisfying(r -> assertThat(r.paramNames()).isEqualTo(params));
  }

  @Test
  void registersNothingElse() {
    assertThat(host.registry.names()).hasSize((int) registeredMethods().count());
  }

  @Test
  void pingEchoAndCapabilitiesAnswerAsBefore() throws Exception {
    assertThat(host.call("Host.ping2", null)).isNull();
    assertThat(host.call("Host.echo", "{\"message\":\"hello\"}")).isEqualTo(new JsonPrimitive("hello"));
    assertThat(host.errorCode("Host.echo", "{}")).isEqualTo(-32602);
    JsonObject caps = host.callObject("Host.getCapabilities", null);
    assertThat(caps.keySet()).contains("hostname", "cpuCores", "memSize", "operatingSystem", "software_version");
    assertThat(caps.get("software_version").getAsString()).isEqualTo("1.2.3");
  }

  @Test
  void getStatsReportsThisMachinesRealFacts() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/stat")) && Files.isReadable(Path.of("/proc/meminfo")), "Linux /proc");
    host.createVm("a");
    JsonObject stats = host.callObject("Host.getStats", null);

    for (String ratio : List.of("cpuUser", "cpuSys", "cpuIdle", "cpuUserVdsmd", "cpuSysVdsmd")) {
      assertThat(Double.parseDouble(stats.get(ratio).getAsString())).as(ratio).isBetween(0.0, 100.0);
    }
    assertThat(stats.get("cpuLoad").getAsString()).matches("\\d+\\.\\d\\d");
    assertThat(stats.get("memAvailable").getAsLong()).isPositive();
    assertThat(stats.get("memFree").getAsLong()).isPositive();
    assertThat(Long.parseLong(stats.get("memUsed").getAsString())).isBetween(0L, 100L);
    assertThat(stats.get("memCommitted").getAsLong()).isEqualTo(2048);
    assertThat(Long.parseLong(stats.get("bootTime").getAsString())).isPositive();
    assertThat(stats.get("dateTime").getAsString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d GMT");
    assertThat(stats.get("vmCount").getAsInt()).isEqualTo(1);
    assertThat(stats.get("vmActive").getAsInt()).isEqualTo(1);
    assertThat(stats.getAsJsonObject("cpuStatistics").keySet()).isNotEmpty().allMatch(k -> k.matches("\\d+"));
  }

  @Test
  void getStatsComputesCpuRatiosFromProcStatDeltas(@TempDir Path root) throws Exception {
    stage(root, "proc/stat", """
        cpu  100 0 100 800 0 0 0 0 0 0
        cpu0 50 0 50 400 0 0 0 0 0 0
        cpu1 50 0 50 400 0 0 0 0 0 0
        btime 1700000000
        """);
    stage(root, "proc/self/stat", "1234 (java vm) S 1 1 1 0 -1 4194560 100 0 0 0 20 10 0 0 20 0 30 0\n");
    stage(root, "proc/meminfo", """
        MemTotal:        8192000 kB
        MemFree:         2048000 kB
        MemAvailable:    4096000 kB
        SwapTotal:       1024000 kB
        SwapFree:         512000 kB
        """);
    stage(root, "proc/loadavg", "0.50 0.40 0.30 1/100 1234\n");
    stage(root, "proc/net/dev", """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
          eth0:    5000      10    1    2    0     0          0         0     7000      20    3    4    0     0       0          0
        """);
    stage(root, "sys/class/net/eth0/operstate", "up\n");
    stage(root, "sys/class/net/eth0/speed", "1000\n");
    stage(root, "sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
    Clock clock = Clock.fixed(Instant.parse("2024-05-06T07:08:09Z"), ZoneOffset.UTC);
    Backend staged = new Backend(new HostFacts(root), scheduler, clock, SimulationSettings.defaults());

    stage(root, "proc/stat", """
        cpu  150 0 150 900 0 0 0 0 0 0
        cpu0 75 0 75 450 0 0 0 0 0 0
        cpu1 75 0 75 450 0 0 0 0 0 0
        btime 1700000000
        """);
    stage(root, "proc/self/stat", "1234 (java vm) S 1 1 1 0 -1 4194560 100 0 0 0 40 20 0 0 20 0 30 0\n");
    JsonObject stats = staged.callObject("Host.getStats", null);

    assertThat(stats.get("cpuUser").getAsString()).isEqualTo("25.00");
    assertThat(stats.get("cpuSys").getAsString()).isEqualTo("25.00");
    assertThat(stats.get("cpuIdle").getAsString()).isEqualTo("50.00");
    assertThat(stats.get("cpuUserVdsmd").getAsString()).isEqualTo("10.00");
    assertThat(stats.get("cpuSysVdsmd").getAsString()).isEqualTo("5.00");
    JsonObject cpu1 = stats.getAsJsonObject("cpuStatistics").getAsJsonObject("1");
    assertThat(cpu1.get("cpuUser").getAsString()).isEqualTo("25.00");
    assertThat(cpu1.get("cpuIdle").getAsString()).isEqualTo("50.00");
    assertThat(stats.get("cpuLoad").getAsString()).isEqualTo("0.50");
    assertThat(stats.get("memAvailable").getAsLong()).isEqualTo(4000);
    assertThat(stats.get("memFree").getAsLong()).isEqualTo(2000);
    assertThat(stats.get("memUsed").getAsString()).isEqualTo("50");
    assertThat(stats.get("swapTotal").getAsLong()).isEqualTo(1000);
    assertThat(stats.get("swapFree").getAsLong()).isEqualTo(500);
    assertThat(stats.get("bootTime").getAsString()).isEqualTo("1700000000");
    assertThat(stats.get("dateTime").getAsString()).isEqualTo("2024-05-06T07:08:09 GMT");
    assertThat(stats.get("thpState").getAsString()).isEqualTo("madvise");
    assertThat(stats.getAsJsonObject("network").keySet()).containsExactly("eth0");
    JsonObject eth0 = stats.getAsJsonObject("network").getAsJsonObject("eth0");
    assertThat(eth0.get("rx").getAsString()).isEqualTo("5000");
    assertThat(eth0.get("tx").getAsString()).isEqualTo("7000");
    assertThat(eth0.get("rxDropped").getAsString()).isEqualTo("2");
    assertThat(eth0.get("txErrors").getAsString()).isEqualTo("3");
    assertThat(eth0.get("state").getAsString()).isEqualTo("up");
    assertThat(eth0.get("speed").getAsString()).isEqualTo("1000");
    assertThat(stats.get("txDropped").getAsString()).isEqualTo("4");
    assertThat(stats.get("vmCount").getAsInt()).isZero();

    // no time passed: the previous ratios' base is kept, not divided by zero
    JsonObject again = staged.callObject("Host.getStats", null);
    assertThat(Double.parseDouble(again.get("cpuIdle").getAsString())).isBetween(0.0, 100.0);
  }

  @Test
  void getHardwareInfoReadsDmiAndSaysUnknownForWhatItCannotRead(@TempDir Path root) throws Exception {
    stage(root, "sys/class/dmi/id/sys_vendor", "Acme\n");
    stage(root, "sys/class/dmi/id/product_name", "Box 9000\n");
    stage(root, "sys/class/dmi/id/product_family", "\n");
    Backend staged = new Backend(new HostFacts(root), scheduler, Clock.systemUTC(), SimulationSettings.defaults());

    JsonObject hw = staged.callObject("Host.getHardwareInfo", null);
    assertThat(hw.get("systemManufacturer").getAsString()).isEqualTo("Acme");
    assertThat(hw.get("systemProductName").getAsString()).isEqualTo("Box 9000");
    assertThat(hw.get("systemFamily").getAsString()).isEqualTo("unknown");
    assertThat(hw.get("systemUUID").getAsString()).isEqualTo("unknown");
  }

  @Test
  void getHardwareInfoOfThisMachineHasEveryField() throws Exception {
    JsonObject hw = host.callObject("Host.getHardwareInfo", null);
    assertThat(hw.keySet()).containsExactlyInAnyOrder("systemManufacturer", "systemProductName",
        "systemVersion", "systemSerialNumber", "systemUUID", "systemFamily");
    hw.entrySet().forEach(e -> assertThat(e.getValue().getAsString()).as(e.getKey()).isNotBlank());
  }

  @Test
  void getVmListVariants() throws Exception {
    String a = host.createVm("a");
    String b = host.createVm("b");
    String c = host.createVm("c");
    scheduler.advance(Duration.ofSeconds(1));
    host.call("VM.pause", vm(b));

    JsonArray shortList = host.call("Host.getVMList", null).getAsJsonArray();
    assertThat(shortList).hasSize(3);
    assertThat(shortList.get(1).getAsJsonObject().keySet()).containsExactly("vmId", "status");
    assertThat(shortList.get(1).getAsJsonObject().get("vmId").getAsString()).isEqualTo(b);
    assertThat(shortList.get(1).getAsJsonObject().get("status").getAsString()).isEqualTo("Paused");

    assertThat(host.call("Host.getVMList", "{\"onlyUUID\":true}").getAsJsonArray())
        .containsExactly(new JsonPrimitive(a), new JsonPrimitive(b), new JsonPrimitive(c));

    JsonArray full = host.call("Host.getVMList", "{\"fullStatus\":true,\"onlyUUID\":true}").getAsJsonArray();
    assertThat(full).hasSize(3);
    assertThat(full.get(2).getAsJsonObject().get("vmName").getAsString()).isEqualTo("c");
    assertThat(full.get(2).getAsJsonObject().get("memSize").getAsLong()).isEqualTo(2048);

    String filter = "[\"" + c + "\",\"" + UUID.randomUUID() + "\",\"" + a + "\"]";
    assertThat(host.call("Host.getVMList", "{\"vmList\":" + filter + ",\"onlyUUID\":true}").getAsJsonArray())
        .containsExactly(new JsonPrimitive(a), new JsonPrimitive(c));
    JsonArray fullList = host.call("Host.getVMFullList", "{\"vmList\":" + filter + "}").getAsJsonArray();
    assertThat(fullList).extracting(e -> e.getAsJsonObject().get("vmId").getAsString()).containsExactly(a, c);
    assertThat(host.call("Host.getVMFullList", null).getAsJsonArray()).isEqualTo(
        host.call("Host.getVMList", "{\"fullStatus\":true}").getAsJsonArray());
    assertThat(host.errorCode("Host.getVMList", "{\"vmList\":\"" + a + "\"}")).isEqualTo(-32602);
    assertThat(host.errorCode("Host.getVMList", "{\"fullStatus\":\"maybe\"}")).isEqualTo(-32602);
  }

  @Test
  void getAllVmStatsHasOneRecordPerVm() throws Exception {
    assertThat(host.call("Host.getAllVmStats", null).getAsJsonArray()).isEmpty();
    String a = host.createVm("a");
    String b = host.createVm("b");
    scheduler.advance(Duration.ofSeconds(1));
    host.call("VM.shutdown", vm(b));
    scheduler.advance(Duration.ofSeconds(1));

    JsonArray all = host.call("Host.getAllVmStats", null).getAsJsonArray();
    assertThat(all).extracting(e -> e.getAsJsonObject().get("vmId").getAsString() + ":"
        + e.getAsJsonObject().get("status").getAsString()).containsExactly(a + ":Up", b + ":Down");
    assertThat(all.get(1).getAsJsonObject().get("exitReason").getAsInt()).isEqualTo(7);
    JsonObject stats = host.callObject("Host.getStats", null);
    assertThat(stats.get("vmCount").getAsInt()).isEqualTo(2);
    assertThat(stats.get("vmActive").getAsInt()).isEqualTo(1);
  }

  @Test
  void setLogLevelChangesTheNamedLogger() throws Exception {
    String name = "org.ovirt.vdsm.messaging.test.loglevel";
    Logger logger = LoggerFactory.getLogger(name);
    assertThat(host.call("Host.setLogLevel", "{\"level\":\"DEBUG\",\"name\":\"" + name + "\"}")).isNull();
    assertThat(logger.isDebugEnabled()).isTrue();
    host.call("Host.setLogLevel", "{\"level\":\"WARNING\",\"name\":\"" + name + "\"}");
    assertThat(logger.isInfoEnabled()).isFalse();
    assertThat(logger.isWarnEnabled()).isTrue();
    host.call("Host.setLogLevel", "{\"level\":\"CRITICAL\",\"name\":\"" + name + "\"}");
    assertThat(logger.isWarnEnabled()).isFalse();
    assertThat(logger.isErrorEnabled()).isTrue();
  }

  @Test
  void setLogLevelWithoutANameChangesTheRootLogger() throws Exception {
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    String original = root.isDebugEnabled() ? "DEBUG" : root.isInfoEnabled() ? "INFO"
        : root.isWarnEnabled() ? "WARN" : "ERROR";
    try {
      host.call("Host.setLogLevel", "{\"level\":\"ERROR\"}");
      assertThat(root.isWarnEnabled()).isFalse();
      host.call("Host.setLogLevel", "{\"level\":\"INFO\",\"name\":\"\"}");
      assertThat(root.isInfoEnabled()).isTrue();
    } finally {
      host.call("Host.setLogLevel", "{\"level\":\"" + original + "\"}");
    }
  }

  static Stream<Arguments> invalidLogLevels() {
    return Stream.of(
        Arguments.of("unknown level", "{\"level\":\"LOUD\"}"),
        Arguments.of("missing level", "{\"name\":\"x\"}"),
        Arguments.of("level not a string", "{\"level\":10}"),
        Arguments.of("malformed logger name", "{\"level\":\"INFO\",\"name\":\"no spaces please\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void invalidLogLevels(String name, String params) {
    assertThat(host.errorCode("Host.setLogLevel", params)).isEqualTo(-32602);
  }

  @Test
  void explicitNullParamsCountAsAbsent() throws Exception {
    host.createVm("a");
    JsonElement list = host.call("Host.getVMList", "{\"fullStatus\":null,\"vmList\":null,\"onlyUUID\":null}");
    assertThat(list.getAsJsonArray().get(0).getAsJsonObject().keySet()).containsExactly("vmId", "status");
  }

  private static void stage(Path root, String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }
}

package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import java.io.File;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code Host.getStats} and {@code Host.getHardwareInfo} from real facts of this machine ({@link
 * HostFacts}) and the simulated VMs and storage. CPU ratios are percentages over the interval since
 * the previous {@code getStats} (since the backend started, for the first), as VDSM reports them;
 * numbers have VDSM's types (many are decimal strings).
 */
final class HostStatistics {
  private static final long KIB_PER_MIB = 1024;
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final HostFacts.CpuTimes ZERO = new HostFacts.CpuTimes("", 0, 0, 0, 0);
  private static final List<String> DISK_PATHS = List.of("/var/log", "/var/run/vdsm", "/tmp");

  private final HostFacts facts;
  private final Clock clock;
  private final VirtSimulator virt;
  private final StorageSimulator storage;
  private final long startedMillis;

  // guarded by this
  private Map<String, HostFacts.CpuTimes> previousCpu;
  private long[] previousProcess;

  HostStatistics(HostFacts facts, Clock clock, VirtSimulator virt, StorageSimulator storage) {
    this.facts = requireNonNull(facts, "facts");
    this.clock = requireNonNull(clock, "clock");
    this.virt = requireNonNull(virt, "virt");
    this.storage = requireNonNull(storage, "storage");
    this.startedMillis = clock.millis();
    this.previousCpu = byName(facts.cpuTimes());
    this.previousProcess = facts.processCpuTicks();
  }

  /** VDSM's HostStats. */
  JsonObject stats() {
    JsonObject s = new JsonObject();
    addCpu(s);
    double[] load = facts.loadAverages();
    s.addProperty("cpuLoad", format(load[0]));

    Map<String, Long> mem = facts.meminfoKib();
    long totalMib = mem.getOrDefault("MemTotal", 0L) / KIB_PER_MIB;
    long freeMib = mem.getOrDefault("MemFree", 0L) / KIB_PER_MIB;
    long availableMib = mem.getOrDefault("MemAvailable", mem.getOrDefault("MemFree", 0L)) / KIB_PER_MIB;
    long usedPercent = totalMib == 0 ? 0 : Math.round(100.0 * (totalMib - availableMib) / totalMib);
    s.addProperty("memAvailable", availableMib);
    s.addProperty("memFree", freeMib);
    s.addProperty("memUsed", Long.toString(usedPercent));
    s.addProperty("memCommitted", virt.committedMemoryMib());
    s.addProperty("memShared", 0);
    s.addProperty("swapTotal", mem.getOrDefault("SwapTotal", 0L) / KIB_PER_MIB);
    s.addProperty("swapFree", mem.getOrDefault("SwapFree", 0L) / KIB_PER_MIB);
    s.addProperty("anonHugePages", Long.toString(mem.getOrDefault("AnonHugePages", 0L) / KIB_PER_MIB));
    JsonObject numaNode = new JsonObject();
    numaNode.addProperty("memFree", Long.toString(availableMib));
    numaNode.addProperty("memPercent", usedPercent);
    s.add("numaNodeMemFree", Json.object("0", numaNode));

    s.addProperty("vmCount", virt.vmCount());
    s.addProperty("vmActive", virt.activeCount());
    s.addProperty("vmMigrating", 0);
    s.addProperty("incomingVmMigrations", 0);
    s.addProperty("outgoingVmMigrations", 0);

    long now = clock.millis();
    long boot = facts.bootTimeEpochSeconds();
    if (boot == 0) {
      boot = now / 1000 - facts.uptimeSeconds();
    }
    s.addProperty("bootTime", Long.toString(boot));
    s.addProperty("elapsedTime", Long.toString(Math.max(0, now - startedMillis) / 1000));
    s.addProperty("dateTime", DATE_TIME.format(clock.instant()));

    addNetwork(s);
    JsonObject disks = new JsonObject();
    for (String path : DISK_PATHS) {
      File dir = new File(path);
      if (dir.isDirectory()) {
        JsonObject free = new JsonObject();
        free.addProperty("free", Long.toString(dir.getUsableSpace() / (KIB_PER_MIB * KIB_PER_MIB)));
        disks.add(path, free);
      }
    }
    s.add("diskStats", disks);
    s.add("storageDomains", storage.vitals());

    s.addProperty("ksmState", false);
    s.addProperty("ksmPages", 0);
    s.addProperty("ksmCpu", 0);
    s.addProperty("ksmMergeAcrossNodes", true);
    s.addProperty("thpState", facts.transparentHugePages());
    s.addProperty("momStatus", "disabled");
    s.addProperty("netConfigDirty", "False");
    s.addProperty("haScore", 0);
    JsonObject ha = new JsonObject();
    ha.addProperty("configured", false);
    ha.addProperty("active", false);
    ha.addProperty("score", 0);
    ha.addProperty("globalMaintenance", false);
    ha.addProperty("localMaintenance", false);
    s.add("haStats", ha);
    s.add("v2vJobs", new JsonObject());
    s.add("multipathHealth", new JsonObject());
    return s;
  }

  /** VDSM's HardwareInformation from {@code /sys/class/dmi/id}, "unknown" where unreadable. */
  JsonObject hardwareInfo() {
    JsonObject hw = new JsonObject();
    hw.addProperty("systemManufacturer", facts.dmi("sys_vendor").orElse("unknown"));
    hw.addProperty("systemProductName", facts.dmi("product_name").orElse("unknown"));
    hw.addProperty("systemVersion", facts.dmi("product_version").orElse("unknown"));
    hw.addProperty("systemSerialNumber", facts.dmi("product_serial").orElse("unknown"));
    hw.addProperty("systemUUID", facts.dmi("product_uuid").orElse("unknown"));
    hw.addProperty("systemFamily", facts.dmi("product_family").orElse("unknown"));
    return hw;
  }

  private synchronized void addCpu(JsonObject s) {
    List<HostFacts.CpuTimes> now = facts.cpuTimes();
    long[] process = facts.processCpuTicks();
    HostFacts.CpuTimes all = now.isEmpty() ? ZERO : now.get(0);
    HostFacts.CpuTimes allBefore = base(all, previousCpu.get(all.name()));
    long total = all.total() - allBefore.total();
    s.addProperty("cpuUser", percent(all.user() - allBefore.user(), total));
    s.addProperty("cpuSys", percent(all.sys() - allBefore.sys(), total));
    s.addProperty("cpuIdle", total <= 0 ? "100.00" : percent(all.idle() - allBefore.idle(), total));
    boolean sameBase = allBefore != ZERO;
    long userTicks = process[0] - (sameBase ? previousProcess[0] : 0);
    long sysTicks = process[1] - (sameBase ? previousProcess[1] : 0);
    s.addProperty("cpuUserVdsmd", percent(Math.max(0, userTicks), total));
    s.addProperty("cpuSysVdsmd", percent(Math.max(0, sysTicks), total));

    JsonObject cores = new JsonObject();
    for (HostFacts.CpuTimes cpu : now.subList(Math.min(1, now.size()), now.size())) {
      HostFacts.CpuTimes before = base(cpu, previousCpu.get(cpu.name()));
      long t = cpu.total() - before.total();
      JsonObject core = new JsonObject();
      core.addProperty("cpuUser", percent(cpu.user() - before.user(), t));
      core.addProperty("cpuSys", percent(cpu.sys() - before.sys(), t));
      core.addProperty("cpuIdle", t <= 0 ? "100.00" : percent(cpu.idle() - before.idle(), t));
      core.addProperty("nodeIndex", 0);
      cores.add(cpu.name().substring(3), core);
    }
    s.add("cpuStatistics", cores);
    if (total > 0 && !now.isEmpty()) {
      previousCpu = byName(now);
      previousProcess = process;
    }
  }

  private void addNetwork(JsonObject s) {
    JsonObject network = new JsonObject();
    long rxDropped = 0;
    long txDropped = 0;
    double sampleTime = clock.millis() / 1000.0;
    for (HostFacts.NetDevice d : facts.netDevices()) {
      if (d.name().equals("lo")) {
        continue;
      }
      JsonObject nic = new JsonObject();
      nic.addProperty("name", d.name());
      nic.addProperty("rx", Long.toString(d.rxBytes()));
      nic.addProperty("tx", Long.toString(d.txBytes()));
      nic.addProperty("rxErrors", Long.toString(d.rxErrors()));
      nic.addProperty("txErrors", Long.toString(d.txErrors()));
      nic.addProperty("rxDropped", Long.toString(d.rxDropped()));
      nic.addProperty("txDropped", Long.toString(d.txDropped()));
      nic.addProperty("state", d.state());
      nic.addProperty("speed", Long.toString(d.speedMbps()));
      nic.addProperty("sampleTime", sampleTime);
      network.add(d.name(), nic);
      rxDropped += d.rxDropped();
      txDropped += d.txDropped();
    }
    s.add("network", network);
    s.addProperty("rxDropped", Long.toString(rxDropped));
    s.addProperty("txDropped", Long.toString(txDropped));
  }

  /** The earlier sample to compare with: {@code before} if it is older, else since boot. */
  private static HostFacts.CpuTimes base(HostFacts.CpuTimes now, HostFacts.CpuTimes before) {
    return before != null && now.total() > before.total() ? before : ZERO;
  }

  private static Map<String, HostFacts.CpuTimes> byName(List<HostFacts.CpuTimes> times) {
    Map<String, HostFacts.CpuTimes> m = new HashMap<>();
    times.forEach(t -> m.put(t.name(), t));
    return m;
  }

  private static String percent(long part, long total) {
    return total <= 0 ? "0.00" : format(Math.max(0.0, Math.min(100.0, 100.0 * part / total)));
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}

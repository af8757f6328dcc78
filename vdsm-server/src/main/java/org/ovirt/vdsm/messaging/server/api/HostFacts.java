package org.ovirt.vdsm.messaging.server.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Facts about the machine this server runs on, read from the JVM and from Linux's {@code /proc},
 * {@code /sys} and {@code /etc/os-release}; a fact that cannot be read has a plain fallback rather
 * than failing.
 */
public final class HostFacts {
  private static final long MIB = 1024L * 1024L;

  private final Path root;

  /** Facts of this machine. */
  public HostFacts() {
    this(Path.of("/"));
  }

  /** Facts read below {@code root} instead of {@code /} (for tests). */
  HostFacts(Path root) {
    this.root = root;
  }

  public String hostName() {
    Optional<String> fromFile = firstLine("etc/hostname");
    if (fromFile.isPresent() && !fromFile.get().isBlank()) {
      return fromFile.get().strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  public int cpuThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The CPU model name from {@code /proc/cpuinfo}, or the JVM's architecture name. */
  public String cpuModel() {
    return cpuInfo("model name").orElse(System.getProperty("os.arch"));
  }

  /** The CPU speed in MHz from {@code /proc/cpuinfo}, or "0". */
  public String cpuSpeedMhz() {
    return cpuInfo("cpu MHz").orElse("0");
  }

  /** The number of physical packages (sockets) in {@code /proc/cpuinfo}, at least 1. */
  public int cpuSockets() {
    return (int) Math.max(1, lines("proc/cpuinfo").stream()
        .filter(l -> l.startsWith("physical id"))
        .map(HostFacts::valueOf)
        .distinct()
        .count());
  }

  /** Physical memory in MiB, from {@code /proc/meminfo} ({@code MemTotal}). */
  public long memoryMib() {
    return meminfoKib("MemTotal").map(kib -> kib / 1024).orElse(Runtime.getRuntime().maxMemory() / MIB);
  }

  /** Available memory in MiB, from {@code /proc/meminfo} ({@code MemAvailable}). */
  public long memoryAvailableMib() {
    return meminfoKib("MemAvailable").map(kib -> kib / 1024).orElse(Runtime.getRuntime().freeMemory() / MIB);
  }

  /** The kernel release ({@code uname -r}). */
  public String kernelRelease() {
    return firstLine("proc/sys/kernel/osrelease").map(String::strip).orElse(System.getProperty("os.version"));
  }

  /** The operating system's name, version and pretty name from {@code /etc/os-release}. */
  public Map<String, String> operatingSystem() {
    Map<String, String> release = new LinkedHashMap<>();
    for (String line : lines("etc/os-release")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        release.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
      }
    }
    Map<String, String> os = new LinkedHashMap<>();
    os.put("name", release.getOrDefault("NAME", System.getProperty("os.name")));
    os.put("version", release.getOrDefault("VERSION_ID", ""));
    os.put("release", release.getOrDefault("VERSION", ""));
    os.put("pretty_name", release.getOrDefault("PRETTY_NAME", os.get("name")));
    return os;
  }

  /** Seconds since boot, from {@code /proc/uptime}. */
  public long uptimeSeconds() {
    return firstLine("proc/uptime")
        .map(l -> l.split("\\s+")[0])
        .map(s -> (long) Double.parseDouble(s))
        .orElse(0L);
  }

  /** Whether {@code /dev/kvm} exists (hardware virtualization usable). */
  public boolean kvmAvailable() {
    return Files.exists(root.resolve("dev/kvm"));
  }

  /**
   * CPU time counters from {@code /proc/stat}, in clock ticks: the first entry is the aggregate of all
   * CPUs ({@code cpu}), then one per CPU ({@code cpu0}, {@code cpu1}, ...). Empty when unreadable.
   */
  public List<CpuTimes> cpuTimes() {
    List<CpuTimes> times = new ArrayList<>();
    for (String line : lines("proc/stat")) {
      if (!line.startsWith("cpu")) {
        continue;
      }
      String[] f = line.strip().split("\\s+");
      if (f.length < 5) {
        continue;
      }
      long[] v = new long[8];
      for (int i = 0; i < v.length && i + 1 < f.length; i++) {
        v[i] = parseLong(f[i + 1]);
      }
      // user nice system idle iowait irq softirq steal (guest time is already counted in user)
      long user = v[0] + v[1];
      long sys = v[2] + v[5] + v[6];
      long idle = v[3] + v[4];
      long total = user + sys + idle + v[7];
      times.add(new CpuTimes(f[0], user, sys, idle, total));
    }
    return times;
  }

  /** CPU time counters of one CPU line of {@code /proc/stat}, in clock ticks. */
  public record CpuTimes(String name, long user, long sys, long idle, long total) {}

  /** Boot time in seconds since the epoch ({@code btime} in {@code /proc/stat}), or 0. */
  public long bootTimeEpochSeconds() {
    return lines("proc/stat").stream()
        .filter(l -> l.startsWith("btime "))
        .map(l -> parseLong(l.substring(6).strip()))
        .findFirst()
        .orElse(0L);
  }

  /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, zeros when unreadable. */
  public double[] loadAverages() {
    double[] load = new double[3];
    firstLine("proc/loadavg").ifPresent(l -> {
      String[] f = l.strip().split("\\s+");
      for (int i = 0; i < 3 && i < f.length; i++) {
        try {
          load[i] = Double.parseDouble(f[i]);
        } catch (NumberFormatException e) {
          load[i] = 0;
        }
      }
    });
    return load;
  }

  /** {@code /proc/meminfo} in KiB by key ({@code MemTotal}, {@code MemFree}, ...); empty when unreadable. */
  public Map<String, Long> meminfoKib() {
    Map<String, Long> info = new LinkedHashMap<>();
    for (String line : lines("proc/meminfo")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        String[] value = line.substring(colon + 1).strip().split("\\s+");
        info.put(line.substring(0, colon), parseLong(value[0]));
      }
    }
    return info;
  }

  /** User and system CPU ticks of this process ({@code /proc/self/stat} fields 14 and 15), or zeros. */
  public long[] processCpuTicks() {
    return firstLine("proc/self/stat").map(l -> {
      // the command name (field 2) is in parentheses and may hold spaces: count from its end
      int end = l.lastIndexOf(')');
      String[] f = l.substring(end + 1).strip().split("\\s+");
      return f.length > 12 ? new long[] {parseLong(f[11]), parseLong(f[12])} : new long[2];
    }).orElse(new long[2]);
  }

  /**
   * One DMI field of {@code /sys/class/dmi/id} ({@code sys_vendor}, {@code product_name}, ...), or
   * empty when absent or unreadable (some fields are readable by root only).
   */
  public Optional<String> dmi(String field) {
    return firstLine("sys/class/dmi/id/" + field).map(String::strip).filter(v -> !v.isEmpty());
  }

  /** The transparent huge pages mode ({@code always}, {@code madvise}, {@code never}), or "never". */
  public String transparentHugePages() {
    String line = firstLine("sys/kernel/mm/transparent_hugepage/enabled").orElse("");
    int open = line.indexOf('[');
    int close = line.indexOf(']', open + 1);
    return open >= 0 && close > open ? line.substring(open + 1, close) : "never";
  }

  /** Counters of one network interface from {@code /proc/net/dev} and {@code /sys/class/net}. */
  public record NetDevice(
      String name, long rxBytes, long rxErrors, long rxDropped, long txBytes, long txErrors,
      long txDropped, String state, long speedMbps) {}

  /** Every network interface in {@code /proc/net/dev}; empty when unreadable. */
  public List<NetDevice> netDevices() {
    List<NetDevice> devices = new ArrayList<>();
    for (String line : lines("proc/net/dev")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).strip();
      String[] f = line.substring(colon + 1).strip().split("\\s+");
      if (name.isEmpty() || f.length < 12) {
        continue;
      }
      String oper = firstLine("sys/class/net/" + name + "/operstate").map(String::strip).orElse("unknown");
      String state = switch (oper) {
        case "up" -> "up";
        case "down", "lowerlayerdown", "notpresent" -> "down";
        default -> "unknown";
      };
      long speed = firstLine("sys/class/net/" + name + "/speed").map(s -> parseLong(s.strip())).orElse(0L);
      devices.add(new NetDevice(name, parseLong(f[0]), parseLong(f[2]), parseLong(f[3]),
          parseLong(f[8]), parseLong(f[10]), parseLong(f[11]), state, Math.max(0, speed)));
    }
    return devices;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private Optional<String> cpuInfo(String key) {
    return lines("proc/cpuinfo").stream()
        .filter(l -> l.startsWith(key))
        .map(HostFacts::valueOf)
        .findFirst();
  }

  private Optional<Long> meminfoKib(String key) {
    return lines("proc/meminfo").stream()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> l.substring(key.length() + 1).strip().split("\\s+")[0])
        .map(Long::parseLong)
        .findFirst();
  }

  private static String valueOf(String line) {
    int colon = line.indexOf(':');
    return colon < 0 ? "" : line.substring(colon + 1).strip();
  }

  private static String unquote(String v) {
    String s = v.strip();
    if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private Optional<String> firstLine(String relative) {
    List<String> lines = lines(relative);
    return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
  }

  private List<String> lines(String relative) {
    try {
      return Files.readAllLines(root.resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}

package org.ovirt.vdsm.messaging.server.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Facts about the machine this server runs on, read from the JVM and from Linux's {@code /proc} and
 * {@code /etc/os-release}; a fact that cannot be read has a plain fallback rather than failing.
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

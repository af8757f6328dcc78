package org.ovirt.vdsm.messaging.it.bench.ovirt;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host server running in a process of its own (our {@code vdsm-server}, or the Python reference
 * host), started from a command line, ready once it prints "... listening on ADDRESS:PORT", and
 * measured by its process CPU time from {@code /proc/<pid>/stat} and, split by kind of thread, from
 * {@code /proc/<pid>/task/<tid>/stat}.
 */
public final class HostProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile(".*listening on [^:]+:(\\d+).*");
  private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

  private final String name;
  private final Process process;
  private final int port;

  private HostProcess(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts {@code command} and waits up to 180 s for its "listening on" line (a JVM that pre-touches
   * its heap on a loaded machine can take more than a minute).
   */
  public static HostProcess start(String name, List<String> command) throws Exception {
    requireNonNull(name, "name");
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.matches()) {
            // Keep draining its output so that the process never blocks on a full pipe.
            Thread drain = new Thread(() -> out.lines().forEach(l -> { }), name + "-stdout");
            drain.setDaemon(true);
            drain.start();
            return Integer.parseInt(m.group(1));
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      throw new IllegalStateException(name + " exited before listening");
    });
    try {
      return new HostProcess(name, process, port.get(180, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not start: " + e.getMessage(), e);
    }
  }

  String name() {
    return name;
  }

  public int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** User plus system CPU time of the whole process (all its threads, dead ones included) so far, in nanoseconds. */
  public long cpuNanos() throws IOException {
    return statCpuNanos(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat")));
  }

  /** Minor page faults of the whole process so far (first touches of memory, {@code minflt}). */
  long minorFaults() throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]); // minflt (field 10)
  }

  /**
   * User plus system CPU time so far of the process's live threads, summed by {@link ThreadKind}
   * of their names ({@code /proc/<pid>/task/<tid>/stat}), in nanoseconds. A thread that ended
   * between two readings is missing from the later one; the process total of {@link #cpuNanos()}
   * still holds it.
   */
  Map<ThreadKind, Long> threadCpuNanos() throws IOException {
    Map<ThreadKind, Long> byKind = new EnumMap<>(ThreadKind.class);
    Path tasks = Path.of("/proc", String.valueOf(process.pid()), "task");
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException e) {
          continue; // the thread ended while the directory was read
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        byKind.merge(ThreadKind.of(name), statCpuNanos(stat), Long::sum);
      }
    }
    return byKind;
  }

  private static long statCpuNanos(String stat) {
    // Fields after the command name (which may hold spaces) start after its closing parenthesis.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
    return ticks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (getconf.waitFor(10, TimeUnit.SECONDS) && !out.isEmpty()) {
        return Long.parseLong(out);
      }
    } catch (IOException | NumberFormatException e) {
      // fall through to Linux's usual value
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}

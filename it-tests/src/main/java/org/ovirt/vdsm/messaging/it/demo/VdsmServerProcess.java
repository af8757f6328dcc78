package org.ovirt.vdsm.messaging.it.demo;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.server.VdsmServerMain;

/**
 * The real {@code vdsm-server} command ({@link VdsmServerMain}) in a JVM of its own, started from
 * this JVM's class path: its standard output is read line by line, its logs (standard error) go to
 * a file. A shutdown hook stops it if this JVM exits first; {@link #close()} stops it (SIGTERM, a
 * kill after {@link #STOP_TIMEOUT}) and removes the hook.
 */
final class VdsmServerProcess implements AutoCloseable {
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
  private final Thread hook;

  private VdsmServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "vdsm-server-" + process.pid() + "-stdout");
    reader.setDaemon(true);
    reader.start();
    hook = new Thread(process::destroyForcibly, "stop-vdsm-server-" + process.pid());
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code vdsm-server args...}; its logs go to {@code log}. */
  static VdsmServerProcess start(List<String> args, Path log) throws IOException {
    requireNonNull(args, "args");
    requireNonNull(log, "log");
    // Under surefire the JVM's own class path may be a manifest-only jar: take the test class path.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath);
    command.add(VdsmServerMain.class.getName());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    return new VdsmServerProcess(process);
  }

  private void readOutput() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.offer(line);
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** The next line of standard output within {@code timeout}, or {@code null}. */
  String nextLine(Duration timeout) throws InterruptedException {
    return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The process id. */
  long pid() {
    return process.pid();
  }

  /** Kills it at once (SIGKILL) and waits for it to end (at most {@link #STOP_TIMEOUT}). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last lines of its log file, for a failure message. */
  static String tail(Path log) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops it: SIGTERM (vdsm-server stops cleanly), then SIGKILL after {@link #STOP_TIMEOUT}. */
  @Override
  public void close() throws InterruptedException {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          kill();
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs anyway
      }
    }
  }
}

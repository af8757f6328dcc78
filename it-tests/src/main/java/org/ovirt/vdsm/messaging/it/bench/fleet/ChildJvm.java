package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process of the fleet comparison (a JVM started from a command line): its standard output read
 * line by line on a daemon thread, its standard error written to a log file, its CPU time read from
 * {@code /proc} through {@link ProcessHandle}.
 */
final class ChildJvm implements AutoCloseable {
  private static final String END = "\u0000end";

  private final String name;
  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread reader = new Thread(this::read, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code command}, its standard error going to {@code log}. */
  static ChildJvm start(String name, List<String> command, Path log) throws IOException {
    requireNonNull(name, "name");
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    return new ChildJvm(name, p, log);
  }

  private void read() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the process went away
    } finally {
      lines.add(END);
    }
  }

  /**
   * The next line of output that {@code wanted} accepts (lines before it are skipped, and passed
   * to {@code seen}), waiting at most {@code timeout}.
   *
   * @throws IOException when the process ends or the time runs out first
   */
  String awaitLine(Predicate<String> wanted, java.util.function.Consumer<String> seen, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IOException(name + ": nothing expected within " + timeout + " (log: " + log + ")");
      }
      if (line.equals(END)) {
        lines.add(END);
        throw new IOException(name + " ended before the expected output (log: " + log + ")");
      }
      if (wanted.test(line)) {
        return line;
      }
      seen.accept(line);
    }
  }

  /** CPU time (user and system, all threads) so far. */
  long cpuNanos() {
    Optional<Duration> cpu = process.toHandle().info().totalCpuDuration();
    return cpu.map(Duration::toNanos).orElse(0L);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}

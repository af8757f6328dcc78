package org.ovirt.vdsm.messaging.it.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.server.VdsmServerMain;

/**
 * The real {@code vdsm-server} main run as a separate JVM from the test class path; its standard
 * output is read line by line (logs go to standard error: discarded, or appended to a file).
 */
public final class HostProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private HostProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "host-process-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code vdsm-server} with {@code args}; its logs are discarded. */
  public static HostProcess start(List<String> args) throws IOException {
    return start(args, null);
  }

  /**
   * Starts {@code vdsm-server} with {@code args}, its logs (standard error) appended to {@code log}
   * unless it is {@code null}.
   */
  public static HostProcess start(List<String> args, Path log) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    // A short-lived test JVM: start quickly and cheaply on a loaded machine.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    // The host's own logging (standard error, INFO), not a test configuration that the test class
    // path may hold first (common's logback-test.xml logs to standard output).
    command.add("-Dlogback.configurationFile=logback.xml");
    command.add("-cp");
    command.add(classPath);
    command.add(VdsmServerMain.class.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new HostProcess(builder.start(), log);
  }

  /** The next line of standard output within {@code seconds}, or {@code null}. */
  public String nextLine(long seconds) throws InterruptedException {
    return lines.poll(seconds, TimeUnit.SECONDS);
  }

  /** The lines printed and not yet read. */
  public List<String> remainingLines() {
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    return rest;
  }

  /** Kills the process at once (SIGKILL) and waits for it to end. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Whether the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** A VDSM-layout PKI directory for {@code host}: its certificate and key, and the CA. */
  public static Path pkiDir(BrokerPki.ClientCredentials host, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("certs"));
    Files.createDirectories(dir.resolve("keys"));
    Files.copy(host.trustedCa(), dir.resolve("certs/cacert.pem"));
    Files.copy(host.certificate(), dir.resolve("certs/vdsmcert.pem"));
    Files.copy(host.key(), dir.resolve("keys/vdsmkey.pem"));
    return dir;
  }

  /** The lines of its log file so far (empty when its logs are discarded or it logged nothing). */
  public List<String> logLines() throws IOException {
    return log == null || !Files.exists(log) ? List.of() : Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 20 s). */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}

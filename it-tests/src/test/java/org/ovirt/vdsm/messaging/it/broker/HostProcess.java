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
 * output is read line by line (logs go to standard error, discarded).
 */
final class HostProcess implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private HostProcess(Process process) {
    this.process = process;
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

  /** Starts {@code vdsm-server} with {@code args}. */
  static HostProcess start(List<String> args) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(classPath);
    command.add(VdsmServerMain.class.getName());
    command.addAll(args);
    return new HostProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
  }

  /** The next line of standard output within {@code seconds}, or {@code null}. */
  String nextLine(long seconds) throws InterruptedException {
    return lines.poll(seconds, TimeUnit.SECONDS);
  }

  /** The lines printed and not yet read. */
  List<String> remainingLines() {
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    return rest;
  }

  /** Kills the process at once (SIGKILL) and waits for it to end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** A VDSM-layout PKI directory for {@code host}: its certificate and key, and the CA. */
  static Path pkiDir(BrokerPki.ClientCredentials host, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("certs"));
    Files.createDirectories(dir.resolve("keys"));
    Files.copy(host.trustedCa(), dir.resolve("certs/cacert.pem"));
    Files.copy(host.certificate(), dir.resolve("certs/vdsmcert.pem"));
    Files.copy(host.key(), dir.resolve("keys/vdsmkey.pem"));
    return dir;
  }

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

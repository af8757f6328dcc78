package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private RabbitMQ node (Debian's {@code rabbitmq-server} with its bundled STOMP plugin) started
 * by the test as a child process on loopback ports, with its configuration, database, logs and
 * Erlang cookie in its own directory and its own epmd. Ready when its STOMP TLS port and then its
 * AMQP port accept connections: RabbitMQ opens the AMQP listener only after the users of its
 * definitions file are imported, while the STOMP listener may open before. {@link #stop()} sends SIGTERM to the start script (which stops the Erlang VM and
 * waits for it), then stops the node's epmd ({@code epmd -port P -kill}).
 */
public final class RabbitMqNode implements AutoCloseable {

  /**
   * The foreground start script: Debian's {@code /usr/lib/rabbitmq/bin/rabbitmq-server} ({@code
   * /usr/sbin/rabbitmq-server} would su and cd), or the system property {@code
   * vdsm.it.rabbitmq.server} (to try the "not installed" path, or another installation).
   */
  public static final Path SERVER_SCRIPT =
      Path.of(
          System.getProperty("vdsm.it.rabbitmq.server", "/usr/lib/rabbitmq/bin/rabbitmq-server"));

  /** What to install when {@link #SERVER_SCRIPT} is missing. */
  public static final String INSTALL_HINT =
      "RabbitMQ is not installed (" + SERVER_SCRIPT + " missing): apt-get install -y rabbitmq-server";

  private static final Logger log = LoggerFactory.getLogger(RabbitMqNode.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final RabbitMqNodeSettings settings;
  private final RabbitMqConfigFiles files;
  private Process process;
  private Thread shutdownHook;
  private Duration lastStartTime = Duration.ZERO;

  private RabbitMqNode(RabbitMqNodeSettings settings) {
    this.settings = settings;
    this.files = new RabbitMqConfigFiles(settings);
  }

  /** Whether Debian's RabbitMQ server is installed on this machine. */
  public static boolean isInstalled() {
    return Files.isExecutable(SERVER_SCRIPT);
  }

  /** Writes the node's files, starts it and waits until it is ready (at most {@code timeout}). */
  public static RabbitMqNode start(RabbitMqNodeSettings settings, Duration timeout)
      throws IOException {
    RabbitMqNode node = new RabbitMqNode(requireNonNull(settings, "settings"));
    node.start(timeout);
    return node;
  }

  /**
   * Starts the node (again, on the same ports and data) and waits until it is ready (its STOMP and
   * AMQP ports accept connections); does nothing when it runs.
   *
   * @throws IOException if RabbitMQ is missing, exits, or is not ready within {@code timeout} (the
   *     message ends with the tail of its output)
   */
  public synchronized void start(Duration timeout) throws IOException {
    requireNonNull(timeout, "timeout");
    if (process != null) {
      return;
    }
    if (!isInstalled()) {
      throw new IOException(INSTALL_HINT);
    }
    files.write();
    long started = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(SERVER_SCRIPT.toString());
    builder.environment().putAll(files.environment());
    builder.directory(settings.dir().toFile());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile().toFile()));
    process = builder.start();
    shutdownHook = new Thread(this::stopQuietly, "stop-" + settings.nodeName());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      awaitReady(timeout);
    } catch (IOException | RuntimeException e) {
      stopQuietly();
      throw e;
    }
    lastStartTime = Duration.ofNanos(System.nanoTime() - started);
    log.info(
        "RabbitMQ {} ready in {} ms: STOMP+TLS on {}:{}",
        settings.fullNodeName(),
        lastStartTime.toMillis(),
        LoopbackPorts.HOST,
        settings.stompPort());
  }

  private void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!LoopbackPorts.accepts(settings.stompPort(), Duration.ofMillis(200))
        || !LoopbackPorts.accepts(settings.amqpPort(), Duration.ofMillis(200))) {
      try {
        // Waits for the process to exit, at most 200 ms: fails at once if it died.
        if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
          throw new IOException(
              settings.fullNodeName() + " exited with " + process.exitValue() + outputTail());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting " + settings.fullNodeName(), e);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            settings.fullNodeName() + " not ready within " + timeout + outputTail());
      }
    }
  }

  /**
   * Stops the node: SIGTERM to the start script, which stops the Erlang VM and waits for it (a kill
   * after {@link #STOP_TIMEOUT}), then stops the node's epmd. Idempotent.
   */
  public synchronized void stop() throws IOException {
    Process running = process;
    process = null;
    if (running == null) {
      return;
    }
    try {
      List<ProcessHandle> descendants = running.descendants().toList();
      running.destroy();
      if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} ignored SIGTERM for {}; killing it", settings.fullNodeName(), STOP_TIMEOUT);
        running.destroyForcibly();
        running.waitFor(5, TimeUnit.SECONDS);
      }
      for (ProcessHandle child : descendants) {
        if (child.isAlive()) {
          child.destroyForcibly();
        }
      }
      killEpmd();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping " + settings.fullNodeName(), e);
    } finally {
      removeShutdownHook();
    }
    log.info("RabbitMQ {} stopped", settings.fullNodeName());
  }

  /** Stops and starts the node on the same ports; its users and durable queues are kept. */
  public synchronized void restart(Duration timeout) throws IOException {
    stop();
    start(timeout);
  }

  /** Whether the node's process runs. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The settings this node runs with. */
  public RabbitMqNodeSettings settings() {
    return settings;
  }

  /** The STOMP-over-mutual-TLS port on 127.0.0.1. */
  public int stompPort() {
    return settings.stompPort();
  }

  /** The broker URL of the STOMP TLS listener: {@code stomp+ssl://127.0.0.1:PORT}. */
  public String stompUrl() {
    return "stomp+ssl://" + LoopbackPorts.HOST + ":" + settings.stompPort();
  }

  /** How long the last start took until the STOMP port accepted connections. */
  public synchronized Duration lastStartTime() {
    return lastStartTime;
  }

  /** The resident memory of the node's Erlang VM ({@code VmRSS}), if it can be read. */
  public synchronized Optional<Long> residentMemoryBytes() {
    if (process == null) {
      return Optional.empty();
    }
    return process
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("beam.smp")).orElse(false))
        .findFirst()
        .flatMap(RabbitMqNode::rss);
  }

  @Override
  public void close() throws IOException {
    stop();
  }

  /** The node's console output (start script and Erlang VM). */
  public Path outputFile() {
    return settings.dir().resolve("console.log");
  }

  private static Optional<Long> rss(ProcessHandle beam) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(beam.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      log.debug("cannot read the RSS of {}: {}", beam.pid(), e.toString());
    }
    return Optional.empty();
  }

  private void killEpmd() throws IOException, InterruptedException {
    Process epmd =
        new ProcessBuilder("epmd", "-port", Integer.toString(settings.epmdPort()), "-kill")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile().toFile()))
            .start();
    if (!epmd.waitFor(5, TimeUnit.SECONDS)) {
      epmd.destroyForcibly();
      log.warn("epmd -port {} -kill did not finish within 5 s", settings.epmdPort());
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (IOException | RuntimeException e) {
      log.warn("stopping {}: {}", settings.fullNodeName(), e.toString());
    }
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    shutdownHook = null;
    if (hook != null && hook != Thread.currentThread()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook runs anyway.
      }
    }
  }

  private String outputTail() {
    try {
      List<String> lines = Files.readAllLines(outputFile(), StandardCharsets.UTF_8);
      return "; last output:\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}

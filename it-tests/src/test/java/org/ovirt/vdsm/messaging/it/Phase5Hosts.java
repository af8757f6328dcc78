package org.ovirt.vdsm.messaging.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.HostProcess;

/**
 * The hosts of the phase-5 story: each one the real {@code vdsm-server} main in a JVM of its own,
 * in broker mode ({@code --broker} once per URL, in order, {@code --host-id}, {@code --subsystems},
 * {@code --direct}, {@code --xmlrpc off}) with a VDSM PKI directory holding the host's certificate.
 * Processes are launched together and then awaited (their JVMs start in parallel); a process has
 * started when it printed its "connected to broker" line (and its "listening on" line with {@code
 * --direct on}). Its logs go to a file of its own, shown when it fails to start.
 */
final class Phase5Hosts implements AutoCloseable {
  /** How long a host JVM may take to start and subscribe on a loaded CI machine. */
  static final Duration START = Duration.ofSeconds(90);

  private static final String CONNECTED = "vdsm-server connected to broker ";
  private static final String LISTENING = "vdsm-server listening on ";

  /**
   * One host process.
   *
   * @param hostId its {@code --host-id}
   * @param subsystems its {@code --subsystems}, or {@code null} for the default (all)
   * @param direct whether it serves direct connections on a free loopback port too
   */
  record Spec(String hostId, String subsystems, boolean direct) {}

  /**
   * A started host process.
   *
   * @param connectedLine the line it printed once subscribed
   * @param directPort its direct port, when it serves one
   */
  record Running(Spec spec, HostProcess process, String connectedLine, OptionalInt directPort) {}

  private final Path dir;
  private final BrokerPki pki;
  private final List<String> brokerUrls;
  private final List<HostProcess> processes = new CopyOnWriteArrayList<>();
  private final Map<String, Path> pkiDirs = new HashMap<>();
  private int launched;

  /**
   * @param dir where PKI directories and logs go
   * @param pki issues the hosts' certificates
   * @param brokerUrls the {@code --broker} URLs of every host, in the order they are tried
   */
  Phase5Hosts(Path dir, BrokerPki pki, List<String> brokerUrls) {
    this.dir = requireNonNull(dir, "dir");
    this.pki = requireNonNull(pki, "pki");
    this.brokerUrls = List.copyOf(brokerUrls);
  }

  /** Launches every host of {@code specs}, then waits until each one has started. */
  List<Running> start(Spec... specs) throws IOException, InterruptedException {
    List<HostProcess> started = new ArrayList<>();
    for (Spec spec : specs) {
      started.add(launch(spec, hostPkiDir(spec.hostId())));
    }
    List<Running> running = new ArrayList<>();
    for (int i = 0; i < specs.length; i++) {
      running.add(awaitStarted(specs[i], started.get(i)));
    }
    return running;
  }

  /** Launches a host whose certificate comes from a CA the broker does not trust; does not wait. */
  HostProcess launchWithForeignCertificate(String hostId) throws IOException {
    Path foreign = HostProcess.pkiDir(pki.foreignClient(hostId), dir.resolve("pki-foreign-" + hostId));
    return launch(new Spec(hostId, "host", false), foreign);
  }

  private HostProcess launch(Spec spec, Path pkiDir) throws IOException {
    List<String> args = new ArrayList<>();
    for (String url : brokerUrls) {
      args.add("--broker");
      args.add(url);
    }
    args.addAll(List.of("--host-id", spec.hostId(), "--xmlrpc", "off", "--pki-dir", pkiDir.toString()));
    if (spec.subsystems() != null) {
      args.addAll(List.of("--subsystems", spec.subsystems()));
    }
    if (spec.direct()) {
      args.addAll(List.of("--direct", "on", "--bind", "127.0.0.1", "--port", "0"));
    } else {
      args.addAll(List.of("--direct", "off"));
    }
    Path log = dir.resolve("logs").resolve(spec.hostId() + "-" + (++launched) + ".log");
    Files.createDirectories(log.getParent());
    HostProcess process = HostProcess.start(args, log);
    processes.add(process);
    return process;
  }

  private synchronized Path hostPkiDir(String hostId) throws IOException {
    Path existing = pkiDirs.get(hostId);
    if (existing == null) {
      existing = HostProcess.pkiDir(pki.host(hostId), dir.resolve("pki-" + hostId));
      pkiDirs.put(hostId, existing);
    }
    return existing;
  }

  private static Running awaitStarted(Spec spec, HostProcess process) throws IOException, InterruptedException {
    long end = System.nanoTime() + START.toNanos();
    String connected = null;
    OptionalInt port = OptionalInt.empty();
    List<String> seen = new ArrayList<>();
    while (connected == null || (spec.direct() && port.isEmpty())) {
      long left = TimeUnit.NANOSECONDS.toSeconds(end - System.nanoTime());
      String line = left <= 0 ? null : process.nextLine(left);
      if (line == null) {
        throw new AssertionError("host " + spec + " did not start within " + START + "; printed " + seen
            + (process.isAlive() ? "" : " and exited") + "; its log ends with:\n  " + tail(process));
      }
      seen.add(line);
      if (line.startsWith(CONNECTED)) {
        connected = line;
      } else if (line.startsWith(LISTENING)) {
        port = OptionalInt.of(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip()));
      }
    }
    return new Running(spec, process, connected, port);
  }

  private static String tail(HostProcess process) throws IOException {
    List<String> lines = process.logLines();
    return String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  /** Stops every process launched here. */
  @Override
  public void close() throws InterruptedException {
    for (HostProcess p : processes) {
      p.close();
    }
  }
}

package org.ovirt.vdsm.messaging.it.bench.fleet;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The engine process of the fleet comparison: one client library (chosen by the first argument)
 * holding a connection per fleet host, polling each with {@code Host.getStats} every
 * {@value #POLL_SECONDS} s and counting VM_status events, in a JVM of its own so that its heap and
 * CPU are that client's only. After connecting and a settle period it measures the process CPU
 * time over the window, then the heap after a full GC, and prints an {@link EngineRun} line. It
 * prints {@code window start} and {@code window end} lines so that the parent can read the fleet's
 * CPU over the same window. Host names ({@code fleet-host-00001}, ...) must resolve to 127.0.0.1
 * (the parent gives a hosts file with {@code -Djdk.net.hosts.file}). With {@code -Dfleet.jfr=FILE}
 * a Java Flight Recorder profile of the window is written to {@code FILE} (diagnostic: it costs
 * CPU itself).
 *
 * <p>Arguments: {@code engine-client|vdsm-jsonrpc-java PKI_DIR PORT HOSTS SETTLE_SECONDS WINDOW_SECONDS}.
 */
public final class FleetEngine {
  static final int POLL_SECONDS = 15;
  /** Hosts connected before the heap baseline is taken. */
  static final int WARM_HOSTS = 10;

  private FleetEngine() {}

  /** The host name of fleet host {@code i} (from 1). */
  static String hostName(int i) {
    return String.format(Locale.ROOT, "fleet-host-%05d", i);
  }

  public static void main(String[] args) throws Exception {
    int status = 1;
    try {
      run(args[0], new PkiLayout(Path.of(args[1])), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Duration.ofSeconds(Long.parseLong(args[4])), Duration.ofSeconds(Long.parseLong(args[5])));
      status = 0;
    } catch (Exception | Error e) {
      e.printStackTrace();
    } finally {
      System.out.flush();
      System.exit(status); // the engine's client keeps non-daemon threads; 5,000 closes are not measured
    }
  }

  private static FleetClient client(String kind, PkiLayout pki) throws Exception {
    return switch (kind) {
      case "engine-client" -> new EngineClientFleet(pki);
      case "vdsm-jsonrpc-java" -> new OvirtClientFleet(pki);
      default -> throw new IllegalArgumentException("unknown client " + kind);
    };
  }

  private static void run(String kind, PkiLayout pki, int port, int hosts, Duration settle, Duration window)
      throws Exception {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    FleetClient client = client(kind, pki);
    List<String> names = new ArrayList<>(hosts);
    for (int i = 1; i <= hosts; i++) {
      names.add(hostName(i));
    }
    // A few hosts first, so that the heap baseline holds what does not grow with the hosts (classes'
    // static state, pools, caches, the first TLS handshakes); the per-host heap is over the rest.
    int warmHosts = Math.min(WARM_HOSTS, hosts / 2);
    long t0 = System.nanoTime();
    client.connect(names.subList(0, warmHosts), port);
    long heapBaseline = usedHeapAfterGc();
    long t1 = System.nanoTime();
    client.connect(names.subList(warmHosts, hosts), port);
    double connectSeconds = (System.nanoTime() - t1 + t1 - t0) / 1e9;
    System.out.printf(Locale.ROOT, "connected %d hosts in %.1f s%n", hosts, connectSeconds);
    try (StatsPoller poller = new StatsPoller(client, hosts, Duration.ofSeconds(POLL_SECONDS), Duration.ofMillis(100)).start()) {
      // The JIT compiles the steady-state paths only after they ran often (slowly on a loaded machine).
      Thread.sleep(settle.toMillis());
      String jfr = System.getProperty("fleet.jfr");
      jdk.jfr.Recording recording = null;
      if (jfr != null) {
        recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.start();
      }
      long started0 = poller.started();
      long answered0 = poller.answered();
      long failed0 = poller.failed();
      long events0 = client.events();
      long[] gc0 = gc();
      System.out.println("window start");
      System.out.flush();
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      Thread.sleep(window.toMillis());
      long cpu1 = os.getProcessCpuTime();
      long wall1 = System.nanoTime();
      System.out.println("window end");
      System.out.flush();
      long[] gc1 = gc();
      EngineRun run = new EngineRun(kind, hosts, client.open(), connectSeconds, (wall1 - wall0) / 1e9,
          (cpu1 - cpu0) / (double) (wall1 - wall0), heapBaseline, 0, hosts - warmHosts,
          poller.started() - started0, poller.answered() - answered0, poller.failed() - failed0,
          client.events() - events0, gc1[0] - gc0[0], gc1[1] - gc0[1]);
      if (recording != null) {
        recording.stop();
        recording.dump(Path.of(jfr));
        recording.close();
      }
      long heapAfter = usedHeapAfterGc();
      if (poller.firstFailure() != null) {
        System.out.println("first failure: " + poller.firstFailure());
      }
      System.out.println(new EngineRun(run.client(), run.hosts(), run.open(), run.connectSeconds(), run.windowSeconds(),
          run.cpuShare(), run.heapBaselineBytes(), heapAfter, run.heapHosts(), run.callsStarted(), run.callsAnswered(),
          run.callsFailed(), run.events(), run.gcCount(), run.gcMillis()).line());
    }
  }

  /** Collections and their milliseconds so far, all collectors. */
  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, b.getCollectionCount());
      millis += Math.max(0, b.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /** Heap in use after full collections (System.gc() three times, as ManyHosts does). */
  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

package org.ovirt.vdsm.messaging.it.bench.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Issue 13's fleet comparison: for each fleet size, one {@link FleetHost} process (N simulated hosts
 * on one TLS port, each answering {@code Host.getStats} and sending a VM_status event every 2-4 s),
 * and against it, one after the other, an engine process per client library ({@link FleetEngine}:
 * this project's {@code engine-client}, then {@code vdsm-jsonrpc-java} 1.7.4) holding N connections,
 * polling every host every 15 s. Prints a markdown report: engine CPU (% of one core) and heap after
 * GC per host, side by side, with the ratios to the target (engine-client at most half of each).
 *
 * <p>Options: {@code --hosts 1000,5000} (fleet sizes), {@code --quick} (5 hosts, 5 s settle, 10 s
 * window: a smoke run of the pieces), {@code --settle S} (default 45), {@code --window S} (default
 * 60), {@code --clients engine-client,vdsm-jsonrpc-java}, {@code --jfr DIR} (a JFR profile of each
 * engine's window; its figures are then not comparable), {@code --heap 2g} (each engine's -Xmx).
 * Each engine JVM gets the same options.
 */
public final class FleetComparison {
  private static final Pattern LISTENING = Pattern.compile("fleet listening on [^:]+:(\\d+)");
  private static final Duration CONNECT_ALLOWANCE = Duration.ofMinutes(12);
  private static final int EVENT_MIN_MS = 2_000;
  private static final int EVENT_MAX_MS = 4_000;

  /** One engine run with the fleet's side of the same window. */
  record Measured(EngineRun engine, double fleetCpuShare, String loadStart, String loadEnd) {}

  private FleetComparison() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(1_000, 5_000);
    List<String> clients = List.of("engine-client", "vdsm-jsonrpc-java");
    long settle = 45;
    long window = 60;
    String heap = "2g";
    Path jfr = null;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--hosts" -> sizes = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
        case "--clients" -> clients = List.of(args[++i].split(","));
        case "--settle" -> settle = Long.parseLong(args[++i]);
        case "--window" -> window = Long.parseLong(args[++i]);
        case "--heap" -> heap = args[++i];
        case "--jfr" -> jfr = Path.of(args[++i]).toAbsolutePath();
        case "--quick" -> quick = true;
        case "--print-classpath" -> {
          // For running FleetHost or FleetEngine by hand.
          System.out.println(System.getProperty("java.class.path"));
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (quick) {
      sizes = List.of(5);
      settle = 5;
      window = 10;
    }
    Path dir = Files.createTempDirectory("vdsm-fleet");
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.RSA_2048);
    int most = sizes.stream().mapToInt(Integer::intValue).max().orElse(1);
    Path hostsFile = hostsFile(dir, most);
    List<Measured> results = new ArrayList<>();
    for (int n : sizes) {
      try (ChildJvm fleet = ChildJvm.start("fleet", List.of(java(), "-Xmx2g",
          "-Dlogback.configurationFile=demo-logback.xml", "-cp", System.getProperty("java.class.path"),
          FleetHost.class.getName(), pki.root().toString(), String.valueOf(n), String.valueOf(EVENT_MIN_MS),
          String.valueOf(EVENT_MAX_MS)), dir.resolve("fleet-" + n + ".log"))) {
        Matcher m = LISTENING.matcher(fleet.awaitLine(l -> LISTENING.matcher(l).matches(), l -> { }, Duration.ofSeconds(60)));
        if (!m.matches()) {
          throw new IllegalStateException("no port");
        }
        int port = Integer.parseInt(m.group(1));
        for (String kind : clients) {
          List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + heap, "-Djdk.net.hosts.file=" + hostsFile,
              "-Dlogback.configurationFile=demo-logback.xml"));
          if (jfr != null) {
            command.add("-Dfleet.jfr=" + jfr.resolve(kind + "-" + n + ".jfr"));
          }
          command.addAll(List.of("-cp", System.getProperty("java.class.path"), FleetEngine.class.getName(), kind,
              pki.root().toString(), String.valueOf(port), String.valueOf(n), String.valueOf(settle), String.valueOf(window)));
          System.err.printf(Locale.ROOT, "fleet of %d: %s connecting%n", n, kind);
          results.add(measure(fleet, ChildJvm.start(kind, command, dir.resolve(kind + "-" + n + ".log")),
              Duration.ofSeconds(settle + window).plus(CONNECT_ALLOWANCE)));
          System.err.println(results.get(results.size() - 1));
        }
      }
    }
    System.out.println(markdown(results, settle, window, heap, jfr != null));
    System.exit(0);
  }

  private static Measured measure(ChildJvm fleet, ChildJvm engine, Duration timeout) throws Exception {
    try (engine) {
      java.util.function.Consumer<String> echo = l -> System.err.println("  " + l);
      engine.awaitLine("window start"::equals, echo, timeout);
      long fleet0 = fleet.cpuNanos();
      long t0 = System.nanoTime();
      String loadStart = loadAverage();
      engine.awaitLine("window end"::equals, echo, timeout);
      double fleetShare = (fleet.cpuNanos() - fleet0) / (double) (System.nanoTime() - t0);
      String loadEnd = loadAverage();
      EngineRun run = EngineRun.parse(engine.awaitLine(l -> l.startsWith(EngineRun.PREFIX), echo, Duration.ofMinutes(2)));
      return new Measured(run, fleetShare, loadStart, loadEnd);
    }
  }

  private static String markdown(List<Measured> results, long settle, long window, String heap, boolean jfr) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "Run on %s; each engine JVM `-Xmx%s`, %d s settle after connecting, then a %d s window%s. "
            + "Every host polled with `Host.getStats` every %d s, spread evenly; every host sends a VM_status "
            + "event every %.0f-%.0f s.%n%n",
        LocalDate.now(), heap, settle, window, jfr ? " (JFR recording: figures not comparable)" : "",
        FleetEngine.POLL_SECONDS, EVENT_MIN_MS / 1000.0, EVENT_MAX_MS / 1000.0));
    md.append("| hosts | engine client | open at end | connect | engine CPU (% of one core) | CPU per host | heap after GC per host "
            + "| getStats answered / started (failed) | events received (per s) | GCs in window (ms) | fleet process CPU | load average start / end |\n")
        .append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Measured m : results) {
      EngineRun r = m.engine();
      md.append(String.format(Locale.ROOT,
          "| %,d | %s | %,d | %.1f s | %.2f %% | %.1f µs/s | %.1f KiB | %,d / %,d (%,d) | %,d (%,.0f/s) | %d (%d ms) | %.1f %% | %s / %s |%n",
          r.hosts(), r.client(), r.open(), r.connectSeconds(), r.cpuShare() * 100, r.cpuMicrosPerHostSecond(),
          r.heapPerHostBytes() / 1024, r.callsAnswered(), r.callsStarted(), r.callsFailed(), r.events(),
          r.events() / r.windowSeconds(), r.gcCount(), r.gcMillis(), m.fleetCpuShare() * 100, m.loadStart(), m.loadEnd()));
    }
    md.append('\n');
    for (Measured ours : results) {
      if (!ours.engine().client().equals("engine-client")) {
        continue;
      }
      for (Measured theirs : results) {
        if (theirs.engine().client().equals("vdsm-jsonrpc-java") && theirs.engine().hosts() == ours.engine().hosts()) {
          double cpu = ours.engine().cpuShare() / theirs.engine().cpuShare();
          double mem = ours.engine().heapPerHostBytes() / theirs.engine().heapPerHostBytes();
          md.append(String.format(Locale.ROOT,
              "- %,d hosts: engine-client CPU = %.2f of vdsm-jsonrpc-java's (target at most 0.50: %s); "
                  + "heap per host = %.2f of vdsm-jsonrpc-java's (target at most 0.50: %s)%n",
              ours.engine().hosts(), cpu, cpu <= 0.5 ? "met" : "missed", mem, mem <= 0.5 ? "met" : "missed"));
        }
      }
    }
    return md.toString();
  }

  /** A hosts file naming every fleet host (and localhost) 127.0.0.1, for {@code jdk.net.hosts.file}. */
  private static Path hostsFile(Path dir, int hosts) throws IOException {
    StringBuilder text = new StringBuilder("127.0.0.1 localhost\n");
    for (int i = 1; i <= hosts; i++) {
      text.append("127.0.0.1 ").append(FleetEngine.hostName(i)).append('\n');
    }
    return Files.writeString(dir.resolve("hosts"), text, StandardCharsets.US_ASCII);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

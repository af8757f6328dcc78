package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.server.VdsmServerMain;

/**
 * The server as a process: without {@code --metrics-port} it listens on its one port and no other;
 * with it, on a second, loopback port serving the metrics. Listening sockets are counted from
 * {@code /proc} (Linux), so a port opened by mistake cannot hide.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsPortProcessTest {
  @TempDir Path dir;

  private Process start(String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        VdsmServerMain.class.getName(),
        "--tls", "off", "--bind", "127.0.0.1", "--port", "0", "--config", "/dev/null"));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
  }

  @Test
  void metricsAreOffByDefault() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    Process server = start();
    try (BufferedReader out = reader(server)) {
      assertThat(out.readLine()).as(stderr()).startsWith("vdsm-server listening on 127.0.0.1:");
      assertThat(listeningSockets(server.pid())).as("listening sockets").isEqualTo(1);
    } finally {
      stop(server);
    }
  }

  @Test
  void metricsPortServesOnLoopbackAndTheServerStillStopsCleanly() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    Process server = start("--metrics-port", "0");
    try (BufferedReader out = reader(server)) {
      assertThat(out.readLine()).as(stderr()).startsWith("vdsm-server listening on 127.0.0.1:");
      String metricsLine = out.readLine();
      assertThat(metricsLine).matches("vdsm-server metrics on http://127\\.0\\.0\\.1:\\d+/metrics");
      Scrape s = Scrape.of(metricsLine.substring("vdsm-server metrics on ".length()));
      assertThat(s.hasFamily("vdsm_connections")).as(s.text()).isTrue();
      assertThat(s.text()).contains("vdsm_info{version=");
      assertThat(listeningSockets(server.pid())).as("listening sockets").isEqualTo(2);
    } finally {
      stop(server);
    }
    assertThat(server.exitValue()).as(stderr()).isEqualTo(ExitCodes.OK);
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"));
  }

  private static void stop(Process server) throws Exception {
    try {
      new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor(30, TimeUnit.SECONDS);
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stops").isTrue();
    } finally {
      server.destroyForcibly();
    }
  }

  /** TCP sockets in state LISTEN held by process {@code pid}. */
  static int listeningSockets(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // not a socket of interest
        }
      }
    }
    int listening = 0;
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", Long.toString(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          listening++;
        }
      }
    }
    return listening;
  }
}

package org.ovirt.vdsm.messaging.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.server.VdsmServerMain;

/**
 * The server as a process: a requested stop (SIGTERM from systemd or kill, SIGINT from Ctrl-C)
 * ends it with status 0 after "stopping" and "stopped" log lines, not with the JVM's 143 or 130.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StopOnSignalProcessTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void requestedStopExitsZeroAndSaysSo(String signal) throws Exception {
    Path err = dir.resolve("stderr.txt");
    Process server = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            // The service's own logging configuration, not the tests' (which shows WARN and above).
            "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath(),
            VdsmServerMain.class.getName(),
            "--tls", "off", "--bind", "127.0.0.1", "--port", "0", "--config", "/dev/null")
        .redirectError(err.toFile())
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String ready = out.readLine(); // blocks until the line or the end of the process; bounded by @Timeout
      assertThat(ready).as(Files.readString(err)).startsWith("vdsm-server listening on 127.0.0.1:");
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).start();
      assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stops").isTrue();
    } finally {
      server.destroyForcibly();
    }
    String log = Files.readString(err);
    assertThat(server.exitValue()).as(log).isEqualTo(ExitCodes.OK);
    List<String> lines = log.lines().toList();
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("INFO").contains("stopping vdsm-server"));
    assertThat(lines.get(lines.size() - 1)).contains("INFO").containsPattern("stopped vdsm-server in \\d+ ms");
    assertThat(log).doesNotContain("Exception");
  }

  @org.junit.jupiter.api.Test
  void startupFailureOfARealProcessIsOneLineOnStandardError() throws IOException, InterruptedException {
    Process server = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            VdsmServerMain.class.getName(),
            "--pki-dir", dir.resolve("empty").toString(), "--config", "/dev/null")
        .start();
    String stderr = new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isEqualTo(ExitCodes.CONFIG);
    assertThat(stderr.lines().toList()).singleElement().asString()
        .startsWith("vdsm-server: no host certificate in " + dir.resolve("empty"));
  }
}

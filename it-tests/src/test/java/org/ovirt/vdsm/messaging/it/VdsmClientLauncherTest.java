package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.RpcCall;

/**
 * The source tree's launcher {@code engine-client/src/main/sh/vdsm-client} as scripts and people
 * run it, as a separate process against a real host: results, exit codes, and an event stream that
 * a signal (SIGTERM, SIGINT) stops with exit 0 after closing its connection. Needs the jar built by
 * the reactor's package phase ({@code ./mvnw verify}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VdsmClientLauncherTest {
  private static final Path LAUNCHER = Path.of("..", "engine-client", "src", "main", "sh", "vdsm-client");
  private static final Path CLIENT_JAR = Path.of("..", "engine-client", "target", "vdsm-client.jar");

  @TempDir static Path dir;
  static TestHost host;

  @BeforeAll
  static void start() throws Exception {
    host = TestHost.startTls(dir);
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  private static List<String> command(String... args) {
    assumeTrue(Files.isRegularFile(CLIENT_JAR), "run the whole reactor (./mvnw verify) so the jar is built first");
    List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString(), "--port", String.valueOf(host.port()),
        "--pki-dir", dir.toString(), "--timeout", "30"));
    command.addAll(List.of(args));
    return command;
  }

  private static ProcessBuilder builder(List<String> command) {
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return b;
  }

  private record Ran(int exit, String out, String err) {}

  private static Ran runToEnd(String... args) throws Exception {
    Process p = builder(command(args)).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = read(p.getInputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Ran(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void callsAHostAndPassesTheExitCodeThrough() throws Exception {
    Ran ok = runToEnd("Host", "getCapabilities");
    assertThat(ok.exit).as(ok.err).isZero();
    assertThat(JsonParser.parseString(ok.out).getAsJsonObject().get("version_name").getAsString()).isEqualTo("vdsm-messaging");
    Ran typo = runToEnd("Host", "getCapabilites");
    assertThat(typo.exit).isEqualTo(64);
    assertThat(typo.err).startsWith("vdsm-client: unknown method Host.getCapabilites; did you mean getCapabilities?");
    Ran rpcError = runToEnd("VM", "getStats", "vmID=" + UUID.randomUUID());
    assertThat(rpcError.exit).isEqualTo(1);
  }

  @Test
  void saysWhatToDoWhenTheJarIsMissing() throws Exception {
    assumeTrue(Files.isRegularFile(CLIENT_JAR), "the launcher itself is what is tested");
    ProcessBuilder b = builder(List.of("sh", LAUNCHER.toString(), "--help"));
    b.environment().put("VDSM_CLIENT_JAR", dir.resolve("no.jar").toString());
    Process p = b.start();
    String err = read(p.getErrorStream());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(78);
    assertThat(err).contains("no.jar not found", "./mvnw -B -DskipTests package");
  }

  @Test
  void anEventStreamStoppedBySigtermExitsZero() throws Exception {
    assertStreamStopsCleanly(command("--events"), p -> p.destroy());
  }

  @Test
  void anEventStreamStoppedBySigintExitsZero() throws Exception {
    // A process started in the background inherits SIGINT ignored; Python resets it to the default
    // before exec, as an interactive shell does for a command in the foreground.
    assumeTrue(available("python3"), "python3 is needed to give the client a default SIGINT disposition");
    List<String> command = new ArrayList<>(List.of("python3", "-c",
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
    command.addAll(command("--events"));
    assertStreamStopsCleanly(command, p -> signal(p, "INT"));
  }

  private interface Stopper {
    void stop(Process p) throws Exception;
  }

  private static void assertStreamStopsCleanly(List<String> command, Stopper stopper) throws Exception {
    Process p = builder(command).start();
    try {
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      BlockingQueue<String> lines = lines(p);
      // Events are subscribed once the first one arrives: create VMs until one is printed.
      try (EngineClientFactory factory = EngineClientFactory.builder().pki(host.pki).defaultTimeout(Duration.ofSeconds(20)).build()) {
        HostClient engine = factory.connect("localhost", host.port()).get(30, TimeUnit.SECONDS);
        String line = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a JVM starting on a busy machine
        for (int attempt = 0; line == null && System.nanoTime() < deadline; attempt++) {
          String vmId = UUID.randomUUID().toString();
          JsonObject vmParams = new JsonObject();
          vmParams.addProperty("vmId", vmId);
          vmParams.addProperty("vmName", "signal-" + attempt);
          vmParams.addProperty("memSize", 256);
          engine.call(RpcCall.of("VM.create").withParam("vmID", vmId).withParam("vmParams", vmParams)).get(20, TimeUnit.SECONDS);
          line = lines.poll(1, TimeUnit.SECONDS);
        }
        assertThat(line).as("an event line; standard error: %s", err.getNow("(still running)")).isNotNull();
        assertThat(JsonParser.parseString(line).getAsJsonObject().get("event").getAsString()).startsWith("localhost|virt|");
      }
      stopper.stop(p);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops on the signal").isTrue();
      String errors = err.get(10, TimeUnit.SECONDS);
      assertThat(p.exitValue()).as(errors).isZero();
      assertThat(errors).isEmpty();
    } finally {
      p.destroyForcibly();
    }
  }

  private static void signal(Process p, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(p.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private static boolean available(String program) {
    try {
      Process p = new ProcessBuilder("sh", "-c", "command -v " + program).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "launcher-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }
}

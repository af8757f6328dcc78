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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two runnable jars as a user runs them: {@code java -jar vdsm-server.jar --dev-pki} on a fresh
 * PKI directory, then {@code java -jar vdsm-client.jar Host getCapabilities} against it. The jars are
 * built by the reactor's package phase before this module's tests run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunnableJarsTest {
  private static final Path SERVER_JAR = Path.of("..", "vdsm-server", "target", "vdsm-server.jar");
  private static final Path CLIENT_JAR = Path.of("..", "engine-client", "target", "vdsm-client.jar");
  private static final Pattern LISTENING = Pattern.compile("vdsm-server listening on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  @Test
  void serverJarCreatesPkiListensAndAnswersTheClientJar() throws Exception {
    assumeTrue(Files.isRegularFile(SERVER_JAR) && Files.isRegularFile(CLIENT_JAR),
        "run the whole reactor (./mvnw verify) so the jars are built first");
    Path pki = dir.resolve("pki"); // the development CA goes next to it, in pki-ca
    Process server = java(List.of("-jar", SERVER_JAR.toString(), "--port", "0", "--bind", "127.0.0.1", "--pki-dir", pki.toString(), "--dev-pki"));
    try {
      BlockingQueue<String> lines = lines(server);
      String created = lines.poll(60, TimeUnit.SECONDS);
      assertThat(created).startsWith("created development certificates in");
      assertThat(Files.exists(pki.resolve("keys/vdsmkey.pem"))).isTrue();
      assertThat(Files.exists(pki.resolve("keys/cakey.pem"))).as("no CA key in the host's directory").isFalse();
      String ready = lines.poll(60, TimeUnit.SECONDS);
      assertThat(ready).isNotNull();
      Matcher m = LISTENING.matcher(ready);
      assertThat(m.matches()).as(ready).isTrue();

      Process client = java(List.of("-jar", CLIENT_JAR.toString(), "--port", m.group(1), "--pki-dir", pki.toString(), "Host", "getCapabilities"));
      String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(client.exitValue()).as(out).isZero();
      JsonObject caps = JsonParser.parseString(out).getAsJsonObject();
      assertThat(caps.get("version_name").getAsString()).isEqualTo("vdsm-messaging");
    } finally {
      server.destroy();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
    }
  }

  private static Process java(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
    }, "server-stdout");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }
}

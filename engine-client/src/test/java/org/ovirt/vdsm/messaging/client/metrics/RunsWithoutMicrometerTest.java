package org.ovirt.vdsm.messaging.client.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.internal.FakeStompPeer;

/**
 * Micrometer is an optional dependency of the engine client: an engine without it on its class path
 * makes a factory, connects and calls as before. The client runs here in a JVM of its own whose
 * class path is this test's minus every Micrometer jar (a JVM of its own, not a class loader: Netty's
 * native transport can be loaded once per JVM).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunsWithoutMicrometerTest {
  @TempDir Path dir;

  @Test
  void theClientConnectsAndCallsWithoutMicrometerOnTheClassPath() throws Exception {
    List<String> kept = new ArrayList<>();
    int hidden = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("micrometer")) {
        hidden++;
      } else {
        kept.add(entry);
      }
    }
    assertThat(hidden).as("Micrometer jars on the test class path").isPositive();
    try (FakeStompPeer peer = new FakeStompPeer()) {
      peer.answerer = body -> "{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":"
          + com.google.gson.JsonParser.parseString(body).getAsJsonObject().get("id") + "}";
      Path err = dir.resolve("stderr.txt");
      Process probe = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", String.join(File.pathSeparator, kept),
              WithoutMicrometerProbe.class.getName(), Integer.toString(peer.port()))
          .redirectError(err.toFile())
          .start();
      String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // ends with the process
      assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out.strip()).as(Files.readString(err)).isEqualTo("answer \"pong\"");
      assertThat(probe.exitValue()).isZero();
    }
  }
}

package org.ovirt.vdsm.messaging.it.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The README's engine-client snippet is {@link ReadmeExample}, character for character between its
 * markers, and it runs against a real host: so the snippet compiles and works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadmeExampleTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path EXAMPLE =
      Path.of("src", "test", "java", "org", "ovirt", "vdsm", "messaging", "it", "examples", "ReadmeExample.java");
  private static final String BEGIN = "// README:begin engine-client";
  private static final String END = "// README:end engine-client";

  @TempDir Path dir;

  @Test
  void readmeShowsTheExampleAsItIs() throws IOException {
    String source = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
    String region = source.substring(source.indexOf(BEGIN) + BEGIN.length() + 1, source.indexOf(END));
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    String fence = "```java\n" + region + "```\n";
    assertThat(readme).as("README.md holds ReadmeExample.java between its markers as a ```java block").contains(fence);
  }

  @Test
  void theExampleRunsAgainstAHost() throws Exception {
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.EC_P256);
    try (VdsmServer server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki))) {
      int port = server.start().getPort();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ReadmeExample.run(dir, "localhost", port, new PrintStream(bytes, true, StandardCharsets.UTF_8));
      String out = bytes.toString(StandardCharsets.UTF_8);
      assertThat(out).contains("localhost:" + port + " is CONNECTED", "host name: ", "event: localhost|virt|VM_status|",
          "storage domain: error 358");
      assertThat(out).containsPattern("VM [0-9a-f-]{36} is [A-Za-z ]+");
    }
  }
}

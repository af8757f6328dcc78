package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.server.cli.Invocation;

/** {@code --metrics-port} and {@code --metrics-bind}: defaults, and each mistake as one line with its status. */
class MetricsOptionsTest {
  @TempDir Path dir;

  private static void assertOneLine(Invocation run, int status, String fragment) {
    assertThat(run.status()).as(run.err()).isEqualTo(status);
    assertThat(run.errLines()).singleElement().asString().startsWith("vdsm-server: ").contains(fragment);
  }

  @Test
  void offByDefaultAndLoopbackWhenOn() {
    Invocation printed = Invocation.of("--config", "/dev/null", "--print-config");
    assertThat(printed.out().lines())
        .anySatisfy(l -> assertThat(l).matches("metrics-port =\\s+# default"))
        .anySatisfy(l -> assertThat(l).matches("metrics-bind = 127\\.0\\.0\\.1\\s+# default"));
  }

  @Test
  void bindWithoutPortIsAUsageError() {
    assertOneLine(Invocation.of("--tls", "off", "--metrics-bind", "127.0.0.1", "--config", "/dev/null"),
        ExitCodes.USAGE, "--metrics-bind 127.0.0.1: needs metrics-port");
  }

  @Test
  void portOutOfRangeIsAUsageError() {
    assertOneLine(Invocation.of("--tls", "off", "--metrics-port", "70000", "--config", "/dev/null"),
        ExitCodes.USAGE, "--metrics-port 70000: out of range");
  }

  @Test
  void portOutOfRangeInTheFileNamesTheLine() throws IOException {
    Path conf = Files.writeString(dir.resolve("vdsm-server.conf"), "tls = off\nmetrics-port = -1\n");
    assertOneLine(Invocation.of("--config", conf.toString()), ExitCodes.CONFIG, conf + ":2: metrics-port = -1: out of range");
  }

  @Test
  void unresolvableBindIsUnavailable() {
    assertOneLine(Invocation.of("--tls", "off", "--metrics-port", "0", "--metrics-bind", "nosuchhost.invalid",
        "--config", "/dev/null"), ExitCodes.UNAVAILABLE, "cannot resolve the --metrics-bind address 'nosuchhost.invalid'");
  }

  @Test
  void metricsPortInUseIsUnavailable() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertOneLine(Invocation.of("--tls", "off", "--bind", "127.0.0.1", "--port", "0",
              "--metrics-port", Integer.toString(taken.getLocalPort()), "--config", "/dev/null"),
          ExitCodes.UNAVAILABLE, "cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for metrics");
    }
  }
}

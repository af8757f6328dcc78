package org.ovirt.vdsm.messaging.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.server.VdsmServerMain;
import org.ovirt.vdsm.messaging.testing.JdkTlsClient;
import org.ovirt.vdsm.messaging.testing.PkiFiles;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;

/**
 * The server as a process: SIGHUP reloads the host certificate (new connections see the new
 * serial) and does not stop the server, which still stops with status 0 on SIGTERM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReloadOnHangupProcessTest {

  @TempDir Path dir;

  @Test
  void sighupReloadsTheHostCertificate() throws Exception {
    PkiFiles pki = PkiFiles.create(dir.resolve("pki"));
    Path err = dir.resolve("stderr.txt");
    Process server = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath(),
            VdsmServerMain.class.getName(),
            "--pki-dir", pki.layout().root().toString(), "--bind", "127.0.0.1", "--port", "0",
            "--tls-reload-interval", "0", "--config", "/dev/null")
        .redirectError(err.toFile())
        .start();
    KeyAndCertificate renewed = pki.newHost("host");
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String ready = out.readLine(); // bounded by @Timeout
      assertThat(ready).as(Files.readString(err)).startsWith("vdsm-server listening on 127.0.0.1:");
      int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
      BigInteger first = pki.host().certificate().getSerialNumber();
      assertThat(serialOf(port, pki)).isEqualTo(first);

      pki.installHost(renewed);
      signal(server, "HUP");
      BigInteger second = renewed.certificate().getSerialNumber();
      await().atMost(Duration.ofSeconds(30)).until(() -> serialOf(port, pki).equals(second));
      assertThat(server.isAlive()).as("SIGHUP does not stop the server").isTrue();

      signal(server, "TERM");
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stops").isTrue();
    } finally {
      server.destroyForcibly();
    }
    String log = Files.readString(err);
    assertThat(server.exitValue()).as(log).isEqualTo(ExitCodes.OK);
    assertThat(log).contains("SIGHUP: reloading the TLS certificate, key, CA and CRL")
        .contains("server TLS material reloaded: certificate CN=host,O=test (serial "
            + renewed.certificate().getSerialNumber().toString(16) + ")")
        .doesNotContain("Exception");
  }

  private static BigInteger serialOf(int port, PkiFiles pki) throws IOException {
    try (JdkTlsClient client = JdkTlsClient.connect(port, pki.engine(), pki.ca().certificate())) {
      assertThat(client.frame("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0")).startsWith("CONNECTED\n");
      return client.serverSerial();
    }
  }

  private static void signal(Process process, String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}

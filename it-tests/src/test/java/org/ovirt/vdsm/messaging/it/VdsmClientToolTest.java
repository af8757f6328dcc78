package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.cli.VdsmClientMain;
import org.ovirt.vdsm.messaging.detector.TlsMode;

/** The {@code vdsm-client} tool against a real host server: output and exit codes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VdsmClientToolTest {
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

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--port", String.valueOf(host.port()), "--pki-dir", dir.toString(), "--timeout", "20"));
    all.addAll(List.of(args));
    int exit = VdsmClientMain.run(all.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsCapabilitiesAsJsonAndExitsZero() {
    Run r = run("Host", "getCapabilities");
    assertThat(r.exit).as(r.err).isZero();
    JsonObject caps = JsonParser.parseString(r.out).getAsJsonObject();
    assertThat(caps.get("version_name").getAsString()).isEqualTo("vdsm-messaging");
  }

  @Test
  void passesJsonValuesAsJsonAndOthersAsStrings() {
    assertThat(run("Host", "echo", "message=plain text").out.strip()).isEqualTo("\"plain text\"");
    assertThat(run("Host", "echo", "message=\"quoted\"").out.strip()).isEqualTo("\"quoted\"");
    Run notAString = run("Host", "echo", "message=42");
    assertThat(notAString.exit).isEqualTo(VdsmClientMain.EXIT_RPC_ERROR);
    assertThat(notAString.err).contains("-32602");
  }

  @Test
  void jsonRpcErrorGoesToStandardErrorWithExitOne() {
    Run r = run("--unchecked", "Host", "noSuchVerb");
    assertThat(r.exit).isEqualTo(VdsmClientMain.EXIT_RPC_ERROR);
    assertThat(r.out).isEmpty();
    assertThat(r.err).contains("-32601").contains("Host.noSuchVerb");
  }

  @Test
  void connectionFailureExitsTwoWithAClearMessage() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VdsmClientMain.run(
        new String[] {"--port", String.valueOf(closedPort), "--pki-dir", dir.toString(), "Host", "ping2"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(VdsmClientMain.EXIT_CONNECTION);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("vdsm-client: cannot connect to localhost:" + closedPort
        + ": connection refused (is vdsm-server running and listening on port " + closedPort + "?)" + System.lineSeparator());
  }

  @Test
  void missingTlsMaterialIsALocalConfigurationErrorNamingTheDirectory() {
    Run r = runRaw("--port", String.valueOf(host.port()), "--pki-dir", dir.resolve("nothing-here").toString(), "Host", "ping2");
    assertThat(r.exit).isEqualTo(ExitCodes.CONFIG);
    assertThat(r.err).isEqualTo("vdsm-client: the PKI directory " + dir.resolve("nothing-here")
        + " does not exist (give the right one with --pki-dir)" + System.lineSeparator());
  }

  @Test
  void onAHostItPresentsTheHostCertificateWhenThereIsNoEngineCertificate(@TempDir Path onHost) throws Exception {
    for (String file : List.of("certs/cacert.pem", "certs/vdsmcert.pem", "keys/vdsmkey.pem")) {
      Files.createDirectories(onHost.resolve(file).getParent());
      Files.copy(dir.resolve(file), onHost.resolve(file));
    }
    Run r = runRaw("--port", String.valueOf(host.port()), "--pki-dir", onHost.toString(), "-v", "Host", "ping2");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("true");
    assertThat(r.err).startsWith("vdsm-client: presenting the host certificate " + onHost.resolve("certs/vdsmcert.pem"));
  }

  @Test
  void aTlsClientAtAPlainTcpHostIsToldToUseTlsOff(@TempDir Path plainDir) throws Exception {
    try (TestHost plain = TestHost.start(plainDir, c -> c.withTlsMode(TlsMode.OFF))) {
      Run r = runRaw("--port", String.valueOf(plain.port()), "--pki-dir", dir.toString(), "--timeout", "20", "Host", "ping2");
      assertThat(r.exit).as(r.err).isEqualTo(ExitCodes.NO_ANSWER);
      assertThat(r.err.lines()).as(r.err).hasSize(1);
      assertThat(r.err).contains("plain-TCP port", "--tls off").doesNotContain("Exception");
      Run plainCall = runRaw("--port", String.valueOf(plain.port()), "--tls", "off", "--host", "127.0.0.1", "Host", "ping2");
      assertThat(plainCall.exit).as(plainCall.err).isZero();
    }
  }

  @Test
  void aTypoIsCaughtBeforeConnecting() {
    Run r = run("Host", "getCapabilites");
    assertThat(r.exit).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err.lines().findFirst().orElseThrow())
        .isEqualTo("vdsm-client: unknown method Host.getCapabilites; did you mean getCapabilities? ('vdsm-client Host' lists them; --unchecked sends it anyway)");
  }

  private static Run runRaw(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VdsmClientMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}

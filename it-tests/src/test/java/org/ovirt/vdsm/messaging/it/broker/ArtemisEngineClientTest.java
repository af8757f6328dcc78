package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.client.cli.VdsmClientMain;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * engine-client's broker mode through one embedded Artemis node over mutual TLS with certificate
 * login and per-host roles, and {@code
 * vdsm-client --broker} against it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArtemisEngineClientTest extends EngineThroughBrokerContract {
  @TempDir static Path dir;
  static BrokerPki pki;
  static EmbeddedArtemis artemis;

  @BeforeAll
  static void start() throws Exception {
    pki = BrokerPki.generate(dir.resolve("pki"));
    ArtemisCertificateLogin login =
        ArtemisCertificateLogin.write(dir.resolve("login"), pki, List.of(HOST, OTHER_HOST, DOWN_HOST));
    artemis = EmbeddedArtemis.start(ArtemisNodeSettings.singleNode("artemis-engine", dir.resolve("artemis"), pki)
        .withCertificateLogin(login));
  }

  @AfterAll
  static void stop() throws Exception {
    if (artemis != null) {
      artemis.close();
    }
  }

  @Override
  BrokerPki pki() {
    return pki;
  }

  @Override
  URI engineUrl() {
    return URI.create(artemis.stompUrl());
  }

  @Override
  StompTestClient hostClient(String hostId) throws IOException {
    return StompTestClient.connect(pki.client(hostId).sslContext(), artemis.stompPort(), WAIT);
  }

  @Override
  void stopBroker() throws Exception {
    artemis.stop();
  }

  @Override
  void startBroker() throws Exception {
    artemis.start();
  }

  /** Output and exit code of one vdsm-client run. */
  record Run(int exit, String out, String err) {}

  private static Run vdsmClient(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--pki-dir", pki.layout().root().toString(), "--broker", artemis.stompUrl()));
    all.addAll(List.of(args));
    int exit = VdsmClientMain.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void vdsmClientThroughTheBrokerKeepsItsExitCodes() throws Exception {
    fakeHost(HOST, ALL, Set.of());
    Run ok = vdsmClient("--host-id", HOST, "VM", "getStats", "vmID=vm-1");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("\"host\": \"host1\"").contains("\"subsystem\": \"virt\"");

    // Host.fail is the fake host's own method, not in the bundled schema: --unchecked sends it anyway.
    Run error = vdsmClient("--host-id", HOST, "--unchecked", "Host", "fail");
    assertThat(error.exit()).isEqualTo(VdsmClientMain.EXIT_RPC_ERROR);
    assertThat(error.err()).contains(String.valueOf(FakeBrokerHost.FAIL_CODE));

    Run down = vdsmClient("--timeout", "1", "--host-id", DOWN_HOST, "Host", "getStats");
    assertThat(down.exit()).isEqualTo(VdsmClientMain.EXIT_CONNECTION);

    Run usage = vdsmClient("Host", "getStats");
    assertThat(usage.exit()).isEqualTo(VdsmClientMain.EXIT_USAGE);
    assertThat(usage.err()).contains("--host-id");
  }

  @Test
  void vdsmClientEventsThroughTheBroker() throws Exception {
    FakeBrokerHost host = fakeHost(HOST, List.of("host"), Set.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
    AtomicInteger exit = new AtomicInteger(-1);
    Thread tool = new Thread(() -> exit.set(VdsmClientMain.run(new String[] {
        "--pki-dir", pki.layout().root().toString(), "--broker", artemis.stompUrl(), "--host-id", HOST,
        "--events", "*|virt|*|*"}, printer, printer)), "vdsm-client-events");
    tool.start();
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
        host.publish("virt", "VM_status", "vm-cli");
        return out.toString(StandardCharsets.UTF_8).contains("|virt|VM_status|vm-cli");
      });
    } finally {
      tool.interrupt();
      tool.join(WAIT.toMillis());
    }
    assertThat(exit).hasValue(0);
  }
}

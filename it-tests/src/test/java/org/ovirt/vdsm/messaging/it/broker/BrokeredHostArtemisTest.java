package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostRunner;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * A broker-mode host on one embedded Artemis node (mutual TLS, certificate login, per-host
 * authorization); plus the real {@code vdsm-server} main as a second process serving storage alone
 * while the first serves the rest, the storage process killed, and a broker restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokeredHostArtemisTest extends BrokeredHostContract {
  @TempDir static Path dir;
  static BrokerPki pki;
  static EmbeddedArtemis artemis;

  @BeforeAll
  static void start() throws Exception {
    pki = BrokerPki.generate(dir.resolve("pki"));
    ArtemisCertificateLogin login = ArtemisCertificateLogin.write(dir.resolve("login"), pki, List.of(HOST, OTHER_HOST));
    artemis = EmbeddedArtemis.start(
        ArtemisNodeSettings.singleNode("artemis-host", dir.resolve("artemis"), pki).withCertificateLogin(login));
  }

  @AfterAll
  static void stop() throws Exception {
    if (artemis != null) {
      artemis.close();
    }
  }

  @Override
  StompTestClient engineClient() throws IOException {
    return StompTestClient.connect(pki.engine().sslContext(), artemis.stompPort(), WAIT);
  }

  @Override
  String hostBrokerUrl() {
    return "stomp+ssl://" + LoopbackPorts.HOST + ":" + artemis.stompPort();
  }

  @Override
  BrokerPki pki() {
    return pki;
  }

  @Test
  void storageInItsOwnProcessServesStorageAndItsDeathLeavesVirtUnaffected() throws Exception {
    BrokeredHostRunner main = host(HOST, EnumSet.of(Subsystem.VIRT, Subsystem.NETWORK, Subsystem.HOST), pki.client(HOST));
    assertThat(main.server().methods().names()).noneMatch(m -> m.startsWith("Storage") || m.startsWith("Task.")
        || m.startsWith("Image.")).contains("VM.create", "Host.echo");
    Path hostPki = HostProcess.pkiDir(pki.client(HOST), dir.resolve("host1-pki-" + UUID.randomUUID()));
    HostProcess storage = HostProcess.start(List.of("--broker", hostBrokerUrl(), "--host-id", HOST,
        "--subsystems", "storage", "--direct", "off", "--pki-dir", hostPki.toString()));
    closeables.add(storage);
    String line = storage.nextLine(60);
    assertThat(line).isEqualTo("vdsm-server connected to broker " + hostBrokerUrl() + " as " + HOST + " serving storage");

    FakeEngine engine = engine();
    String pool = UUID.randomUUID().toString();
    com.google.gson.JsonArray connections = new com.google.gson.JsonArray();
    connections.add(params("id", UUID.randomUUID().toString(), "connection", "nfs.example.com:/exports/data"));
    StompFrame connected = engine.call(HOST, "storage", "StoragePool.connectStorageServer",
        params("storagepoolID", pool, "domainType", 1, "connectionParams", connections), WAIT);
    assertThat(FakeEngine.body(connected).get("error")).as(connected.bodyAsString()).isNull();
    String vmId = UUID.randomUUID().toString();
    assertThat(FakeEngine.body(engine.call(HOST, "virt", "VM.create", vmCreate(vmId), WAIT)).has("result")).isTrue();

    storage.kill();
    String lost = engine.send(HOST, "storage", "StorageDomain.getInfo",
        params("storagedomainID", UUID.randomUUID().toString()), System.currentTimeMillis() + 2000);
    StompFrame stats = engine.call(HOST, "virt", "VM.getStats", params("vmID", vmId), WAIT);
    assertThat(FakeEngine.body(stats).has("result")).as(stats.bodyAsString()).isTrue();
    assertThat(engine.reply(lost, Duration.ofSeconds(3))).as("storage answered after its process was killed").isEmpty();
    assertThat(storage.remainingLines()).isEmpty();
  }

  @Test
  void reconnectsAndServesAgainAfterTheBrokerRestarts() throws Exception {
    BrokeredHostRunner runner = host(HOST, EnumSet.allOf(Subsystem.class), pki.client(HOST));
    artemis.stop();
    await().atMost(WAIT).until(() -> !runner.host().isSubscribed());
    artemis.start();
    await().atMost(WAIT).until(runner.host()::isSubscribed);
    FakeEngine engine = engine();
    StompFrame echo = engine.call(HOST, "host", "Host.echo", params("message", "after restart"), WAIT);
    assertThat(FakeEngine.body(echo).get("result").getAsString()).isEqualTo("after restart");
    assertThat(connectedLines).hasSize(1);
  }
}

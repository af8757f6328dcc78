package org.ovirt.vdsm.messaging.it.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A two-node Artemis cluster with a fresh PKI for one test class, started before its first test and
 * closed after its last ({@code @RegisterExtension static final TwoNodeArtemis cluster = new
 * TwoNodeArtemis();}). The engine's side is node A (index 0), the hosts' side node B (index 1), so
 * every request, reply and event crosses the cluster.
 */
final class TwoNodeArtemis implements BeforeAllCallback, AfterAllCallback {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private Path dir;
  private BrokerPki pki;
  private ArtemisCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("artemis-cluster-");
    pki = BrokerPki.generate(dir.resolve("pki"));
    cluster = ArtemisCluster.start(dir, pki, 2, START_TIMEOUT);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  BrokerPki pki() {
    return pki;
  }

  /** Node A, where the engine connects. */
  EmbeddedArtemis engineSide() {
    return cluster.node(0);
  }

  /** Node B, where the hosts connect. */
  EmbeddedArtemis hostSide() {
    return cluster.node(1);
  }

  /** A STOMP client with the engine's certificate on node A. */
  StompTestClient connectEngine(Duration wait) throws IOException {
    return StompTestClient.connect(pki.engine().sslContext(), engineSide().stompPort(), wait);
  }

  /** A STOMP client with host {@code hostId}'s certificate on node B. */
  StompTestClient connectHost(String hostId, Duration wait) throws IOException {
    return StompTestClient.connect(pki.client(hostId).sslContext(), hostSide().stompPort(), wait);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}

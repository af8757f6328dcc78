package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A cluster of {@link EmbeddedArtemis} nodes in this JVM on loopback: separate server instances with
 * their own names, directories and ports, joined by CORE static connectors, with ON_DEMAND load
 * balancing, {@code maxHops} 1, redistribution delay 0 and a random cluster password. Artemis keeps
 * no JVM-wide state per server, so one JVM holds several nodes (no forked processes needed).
 */
public final class ArtemisCluster implements AutoCloseable {

  private final List<EmbeddedArtemis> nodes;

  private ArtemisCluster(List<EmbeddedArtemis> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts {@code size} nodes named {@code artemis-a}, {@code artemis-b}, ... under {@code dir} and
   * waits until every node sees all of them.
   *
   * @throws IllegalStateException if the cluster did not form within {@code timeout}
   */
  public static ArtemisCluster start(Path dir, BrokerPki pki, int size, Duration timeout)
      throws Exception {
    requireNonNull(dir, "dir");
    requireNonNull(pki, "pki");
    requireNonNull(timeout, "timeout");
    if (size < 2 || size > 26) {
      throw new IllegalArgumentException("a cluster has 2 to 26 nodes: " + size);
    }
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    Optional<String> password = Optional.of(HexFormat.of().formatHex(secret));
    List<Integer> corePorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      corePorts.add(LoopbackPorts.freePort());
    }
    List<EmbeddedArtemis> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        String name = "artemis-" + (char) ('a' + i);
        List<Integer> peers = new ArrayList<>(corePorts);
        peers.remove(i);
        ArtemisNodeSettings settings =
            new ArtemisNodeSettings(
                name,
                dir.resolve(name),
                pki,
                LoopbackPorts.freePort(),
                0,
                corePorts.get(i),
                peers,
                password,
                Optional.empty());
        nodes.add(EmbeddedArtemis.start(settings));
      }
      for (EmbeddedArtemis node : nodes) {
        if (!node.awaitClusterMembers(size, timeout)) {
          throw new IllegalStateException(
              node.name() + " did not see " + size + " cluster members within " + timeout);
        }
      }
      return new ArtemisCluster(nodes);
    } catch (Exception | Error e) {
      new ArtemisCluster(nodes).close();
      throw e;
    }
  }

  /** The node at {@code index} (0 is {@code artemis-a}). */
  public EmbeddedArtemis node(int index) {
    return nodes.get(index);
  }

  /** Every node, in order. */
  public List<EmbeddedArtemis> nodes() {
    return nodes;
  }

  /** Stops every node; failures are collected and rethrown after all were tried. */
  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (EmbeddedArtemis node : nodes) {
      try {
        node.stop();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}

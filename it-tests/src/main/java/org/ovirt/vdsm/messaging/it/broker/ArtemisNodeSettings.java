package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one {@link EmbeddedArtemis} node is: its name, data directory, TLS material and loopback
 * ports, and (for a cluster member) the CORE ports of its peers. Ports are fixed before the node
 * starts so that a restart comes back on the same port and peers can name each other.
 *
 * @param name the broker name (unique per JVM and cluster)
 * @param dataDir the broker instance directory (journal, bindings, paging, large messages, lock)
 * @param pki the CA, broker certificate and key of the mutual-TLS STOMP acceptor
 * @param stompPort the STOMP-over-mutual-TLS port on 127.0.0.1
 * @param plainStompPort a plaintext STOMP port for development, or 0 for none
 * @param corePort the CORE protocol port (cluster traffic), or 0 for none (a single node)
 * @param peerCorePorts the CORE ports of the other cluster members; empty for a single node
 * @param clusterPassword the cluster password (user {@link EmbeddedArtemis#CLUSTER_USER}); empty
 *     for a single node
 * @param certificateLogin certificate login and per-address roles (security on), or empty for
 *     security off
 */
public record ArtemisNodeSettings(
    String name,
    Path dataDir,
    BrokerPki pki,
    int stompPort,
    int plainStompPort,
    int corePort,
    List<Integer> peerCorePorts,
    Optional<String> clusterPassword,
    Optional<ArtemisCertificateLogin> certificateLogin) {

  /** Checks the components. */
  public ArtemisNodeSettings {
    requireNonNull(name, "name");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(pki, "pki");
    requireNonNull(peerCorePorts, "peerCorePorts");
    requireNonNull(clusterPassword, "clusterPassword");
    requireNonNull(certificateLogin, "certificateLogin");
    peerCorePorts = List.copyOf(peerCorePorts);
    checkPort(stompPort, "stompPort", false);
    checkPort(plainStompPort, "plainStompPort", true);
    checkPort(corePort, "corePort", true);
    if (!peerCorePorts.isEmpty() && (corePort == 0 || clusterPassword.isEmpty())) {
      throw new IllegalArgumentException("a cluster member needs a CORE port and a cluster password");
    }
  }

  /** A single node with a mutual-TLS STOMP acceptor on a free loopback port and nothing else. */
  public static ArtemisNodeSettings singleNode(String name, Path dataDir, BrokerPki pki) {
    return new ArtemisNodeSettings(
        name, dataDir, pki, LoopbackPorts.freePort(), 0, 0, List.of(), Optional.empty(),
        Optional.empty());
  }

  /** The same node with a plaintext STOMP acceptor on a free loopback port too. */
  public ArtemisNodeSettings withPlainStomp() {
    return new ArtemisNodeSettings(
        name, dataDir, pki, stompPort, LoopbackPorts.freePort(), corePort, peerCorePorts,
        clusterPassword, certificateLogin);
  }

  /** The same node with security on: clients log in by certificate and are authorized by role. */
  public ArtemisNodeSettings withCertificateLogin(ArtemisCertificateLogin login) {
    requireNonNull(login, "login");
    return new ArtemisNodeSettings(
        name, dataDir, pki, stompPort, plainStompPort, corePort, peerCorePorts, clusterPassword,
        Optional.of(login));
  }

  /** Whether this node is a cluster member. */
  public boolean clustered() {
    return !peerCorePorts.isEmpty();
  }

  private static void checkPort(int port, String what, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      throw new IllegalArgumentException(what + " out of range: " + port);
    }
  }
}

package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ActiveMQ Artemis broker running in this JVM on 127.0.0.1, for tests and the demo: a STOMP
 * acceptor over mutual TLS (PEM material of a {@link BrokerPki}), optionally a plaintext STOMP
 * acceptor, and for a cluster member a CORE acceptor with static connectors to its peers.
 * Persistence and JMX are off, and so is security unless {@link ArtemisCertificateLogin} is given;
 * every address ({@code #}) is auto-created and
 * auto-deleted; {@code /queue/} is the anycast prefix and {@code /topic/} the multicast prefix.
 * {@link #stop()} and {@link #start()} may be repeated: the node comes back on the same ports, with
 * no messages (nothing is persisted).
 */
public final class EmbeddedArtemis implements AutoCloseable {

  /** The cluster user of every cluster member. */
  public static final String CLUSTER_USER = "vdsm-cluster";

  /** The anycast (queue) destination prefix of the STOMP acceptors. */
  public static final String ANYCAST_PREFIX = "/queue/";

  /** The multicast (topic) destination prefix of the STOMP acceptors. */
  public static final String MULTICAST_PREFIX = "/topic/";

  /**
   * STOMP bodies below this size are ordinary messages (Artemis' default of 100 KiB would turn
   * larger JSON-RPC results into "large messages" that carry an {@code _AMQ_LARGE_SIZE} header).
   */
  public static final int STOMP_MIN_LARGE_MESSAGE_SIZE = 16 * 1024 * 1024;

  /** Memory all addresses of a node may hold before the broker blocks or pages. */
  public static final long GLOBAL_MAX_SIZE_BYTES = 64L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(EmbeddedArtemis.class);
  private static final String CLUSTER_NAME = "vdsm-cluster";
  private static final String SELF_CONNECTOR = "self";

  private final ArtemisNodeSettings settings;
  private EmbeddedActiveMQ broker;
  private Duration lastStartTime = Duration.ZERO;

  private EmbeddedArtemis(ArtemisNodeSettings settings) {
    this.settings = settings;
  }

  /** A node of {@code settings}, not started yet. */
  public static EmbeddedArtemis create(ArtemisNodeSettings settings) {
    return new EmbeddedArtemis(requireNonNull(settings, "settings"));
  }

  /** Creates and starts a node of {@code settings}. */
  public static EmbeddedArtemis start(ArtemisNodeSettings settings) throws Exception {
    EmbeddedArtemis node = create(settings);
    node.start();
    return node;
  }

  /** Starts the node (again); does nothing when it runs. Returns once its acceptors listen. */
  public synchronized void start() throws Exception {
    if (broker != null) {
      return;
    }
    quietAuditLoggers();
    long started = System.nanoTime();
    EmbeddedActiveMQ embedded = new EmbeddedActiveMQ().setConfiguration(configuration());
    settings
        .certificateLogin()
        .ifPresent(login -> embedded.setSecurityManager(login.securityManager()));
    try {
      embedded.start();
    } catch (Exception e) {
      stopQuietly(embedded);
      throw e;
    }
    if (!embedded.getActiveMQServer().isActive()) {
      stopQuietly(embedded);
      throw new IllegalStateException(settings.name() + ": Artemis did not become active");
    }
    broker = embedded;
    lastStartTime = Duration.ofNanos(System.nanoTime() - started);
    log.info(
        "Artemis {} started in {} ms: STOMP+TLS on {}:{}",
        settings.name(),
        lastStartTime.toMillis(),
        LoopbackPorts.HOST,
        settings.stompPort());
  }

  /** Stops the node; its ports close and its queued messages are gone. Idempotent. */
  public synchronized void stop() throws Exception {
    EmbeddedActiveMQ running = broker;
    broker = null;
    if (running != null) {
      running.stop();
      log.info("Artemis {} stopped", settings.name());
    }
  }

  /** Stops and starts the node on the same ports. */
  public synchronized void restart() throws Exception {
    stop();
    start();
  }

  /** Whether the node runs. */
  public synchronized boolean isRunning() {
    return broker != null;
  }

  /** The settings this node was made with. */
  public ArtemisNodeSettings settings() {
    return settings;
  }

  /** The broker name. */
  public String name() {
    return settings.name();
  }

  /** The mutual-TLS STOMP port on 127.0.0.1. */
  public int stompPort() {
    return settings.stompPort();
  }

  /** The broker URL of the mutual-TLS STOMP acceptor: {@code stomp+ssl://127.0.0.1:PORT}. */
  public String stompUrl() {
    return "stomp+ssl://" + LoopbackPorts.HOST + ":" + settings.stompPort();
  }

  /** The plaintext STOMP port, or 0 when the node has none. */
  public int plainStompPort() {
    return settings.plainStompPort();
  }

  /** How long the last {@link #start()} took. */
  public synchronized Duration lastStartTime() {
    return lastStartTime;
  }

  /** The running server (for assertions on its state). */
  public synchronized ActiveMQServer server() {
    if (broker == null) {
      throw new IllegalStateException(settings.name() + " is not running");
    }
    return broker.getActiveMQServer();
  }

  /**
   * Waits until this cluster member sees {@code members} nodes in its cluster topology.
   *
   * @return whether the cluster formed within {@code timeout}
   */
  public boolean awaitClusterMembers(int members, Duration timeout) throws Exception {
    requireNonNull(timeout, "timeout");
    EmbeddedActiveMQ running;
    synchronized (this) {
      running = broker;
    }
    if (running == null || !settings.clustered()) {
      return false;
    }
    long stepMs = 50;
    int steps = (int) Math.max(1, timeout.toMillis() / stepMs);
    return running.waitClusterForming(stepMs, TimeUnit.MILLISECONDS, steps, members);
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  private Configuration configuration() throws Exception {
    Path dir = settings.dataDir();
    ConfigurationImpl config = new ConfigurationImpl();
    config.setName(settings.name());
    config.setBrokerInstance(dir.toFile());
    config.setJournalDirectory(dir.resolve("journal").toString());
    config.setBindingsDirectory(dir.resolve("bindings").toString());
    config.setPagingDirectory(dir.resolve("paging").toString());
    config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
    config.setNodeManagerLockDirectory(dir.resolve("lock").toString());
    config.setPersistenceEnabled(false);
    config.setSecurityEnabled(settings.certificateLogin().isPresent());
    settings.certificateLogin().ifPresent(login -> config.setSecurityRoles(login.securityRoles()));
    config.setJMXManagementEnabled(false);
    // The analyzer halts a broker whose threads stall; a loaded 2-core CI machine must not trip it.
    config.setCriticalAnalyzer(false);
    config.setGlobalMaxSize(GLOBAL_MAX_SIZE_BYTES);
    config.setGracefulShutdownEnabled(false);
    config.addAcceptorConfiguration("stomp-tls", stompTlsAcceptor());
    if (settings.plainStompPort() != 0) {
      config.addAcceptorConfiguration(
          "stomp-plain", stompAcceptor(settings.plainStompPort(), ""));
    }
    AddressSettings all =
        new AddressSettings()
            .setAutoCreateAddresses(true)
            .setAutoCreateQueues(true)
            .setAutoDeleteAddresses(true)
            .setAutoDeleteQueues(true);
    if (settings.clustered()) {
      all.setRedistributionDelay(0);
      addCluster(config);
    }
    config.addAddressSetting("#", all);
    return config;
  }

  private String stompTlsAcceptor() {
    BrokerPki pki = settings.pki();
    String tls =
        "sslEnabled=true;needClientAuth=true"
            + ";keyStoreType=PEM;keyStorePath="
            + pki.brokerKeyAndCertificate().toAbsolutePath()
            + ";trustStoreType=PEMCA;trustStorePath="
            + pki.caCertificate().toAbsolutePath()
            + ";";
    return stompAcceptor(settings.stompPort(), tls);
  }

  private static String stompAcceptor(int port, String tls) {
    return "tcp://"
        + LoopbackPorts.HOST
        + ":"
        + port
        + "?protocols=STOMP;"
        + tls
        + "anycastPrefix="
        + ANYCAST_PREFIX
        + ";multicastPrefix="
        + MULTICAST_PREFIX
        + ";stompMinLargeMessageSize="
        + STOMP_MIN_LARGE_MESSAGE_SIZE;
  }

  private void addCluster(ConfigurationImpl config) throws Exception {
    String password =
        settings.clusterPassword().orElseThrow(() -> new IllegalStateException("no password"));
    config.setClusterUser(CLUSTER_USER);
    config.setClusterPassword(password);
    config.addAcceptorConfiguration("core", coreUrl(settings.corePort()) + "?protocols=CORE");
    config.addConnectorConfiguration(SELF_CONNECTOR, coreUrl(settings.corePort()));
    List<String> peers = new ArrayList<>();
    for (int peerPort : settings.peerCorePorts()) {
      String connector = "peer-" + peerPort;
      config.addConnectorConfiguration(connector, coreUrl(peerPort));
      peers.add(connector);
    }
    config.addClusterConfiguration(
        new ClusterConnectionConfiguration()
            .setName(CLUSTER_NAME)
            .setAddress("")
            .setConnectorName(SELF_CONNECTOR)
            .setStaticConnectors(peers)
            .setMessageLoadBalancingType(MessageLoadBalancingType.ON_DEMAND)
            .setMaxHops(1)
            .setRetryInterval(250)
            .setMaxRetryInterval(2000)
            .setRetryIntervalMultiplier(2)
            .setReconnectAttempts(-1)
            .setInitialConnectAttempts(-1));
  }

  private static String coreUrl(int port) {
    return "tcp://" + LoopbackPorts.HOST + ":" + port;
  }

  private static void stopQuietly(EmbeddedActiveMQ embedded) {
    try {
      embedded.stop();
    } catch (Exception e) {
      log.warn("stopping a broker that failed to start: {}", e.toString());
    }
  }

  /** Artemis' audit loggers log every message at INFO: keep them at WARN under logback. */
  private static void quietAuditLoggers() {
    if (LoggerFactory.getLogger("org.apache.activemq.audit")
        instanceof ch.qos.logback.classic.Logger audit) {
      audit.setLevel(Level.WARN);
    }
  }
}

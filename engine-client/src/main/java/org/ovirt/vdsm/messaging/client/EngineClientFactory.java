package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.stomp.client.StompConnector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.client.internal.BrokerSession;
import org.ovirt.vdsm.messaging.client.internal.ClientContext;
import org.ovirt.vdsm.messaging.client.internal.ClientThreads;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.client.internal.StompHostClient;
import org.ovirt.vdsm.messaging.client.internal.xmlrpc.JdkTls;
import org.ovirt.vdsm.messaging.client.internal.xmlrpc.XmlRpcHostClient;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext;
import org.ovirt.vdsm.messaging.tls.TlsFilesWatcher;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configured once per engine, makes {@link HostClient}s: it owns the TLS material (reloaded when its
 * files change, or by {@link #reloadTls()}; revocation list included), the defaults and
 * the threads every host shares: one Netty event-loop group (epoll when available) for all
 * connections, a small worker pool that parses answers and completes futures, and the event
 * delivery executor. Close it to close every host client and stop the threads.
 *
 * <pre>{@code
 * EngineClientFactory factory = EngineClientFactory.builder().pki(new PkiLayout(dir)).build();
 * HostClient host = factory.open("host1.example.com", 54321);      // connects and reconnects by itself
 * JsonElement caps = host.call("Host.getCapabilities", null).get();
 * }</pre>
 *
 * <p><b>Bounds.</b> Each host has at most {@link EngineClientBuilder#maxPendingCalls} calls waiting (for an
 * answer or for a connection); more fail at once with {@link TooManyPendingCallsException}. Each
 * event subscription queues at most {@link EngineClientBuilder#eventQueueCapacity} events; the oldest is dropped
 * on overflow. A host's frames not parsed yet are bounded by {@link EngineClientBuilder#maxParseBacklogBytes}:
 * above it the client stops reading from that host until the backlog halves. Frame sizes are
 * bounded by {@link EngineClientBuilder#limits}.
 */
public final class EngineClientFactory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EngineClientFactory.class);

  /** Where VDS-side requests are sent ({@link VdsmDestinations#REQUESTS}). */
  public static final String REQUESTS = VdsmDestinations.REQUESTS;
  /** VDSM's shared reply destination of VDS-side requests ({@link VdsmDestinations#RESPONSES}). */
  public static final String RESPONSES = VdsmDestinations.RESPONSES;
  /** Where IRS-side (storage) requests are sent ({@link VdsmDestinations#IRS_REQUESTS}). */
  public static final String IRS_REQUESTS = VdsmDestinations.IRS_REQUESTS;
  /** VDSM's shared reply destination of IRS-side requests ({@link VdsmDestinations#IRS_RESPONSES}). */
  public static final String IRS_RESPONSES = VdsmDestinations.IRS_RESPONSES;
  /** Where hosts publish their events ({@link VdsmDestinations#EVENTS}). */
  public static final String EVENTS = VdsmDestinations.EVENTS;

  private final boolean plaintext;
  private final boolean verifyHostName;
  private final Duration defaultTimeout;
  private final Duration connectTimeout;
  private final int maxPendingCalls;
  private final long maxXmlRpcResponseBytes;
  private final ClientThreads threads;
  private final ClientContext context;
  private final ClientListener listener;
  private final Set<HostClient> clients = ConcurrentHashMap.newKeySet();
  private final Set<BrokerConnection> brokers = ConcurrentHashMap.newKeySet();
  private final ReloadingSslContext tls;
  private final TlsFilesWatcher tlsWatcher;
  private final Object httpLock = new Object();
  private HttpClient http;
  private volatile boolean closed;

  EngineClientFactory(EngineClientBuilder b) throws IOException {
    this.plaintext = b.plaintext;
    this.verifyHostName = b.verifyHostName;
    this.defaultTimeout = b.defaultTimeout;
    this.connectTimeout = b.connectTimeout;
    this.maxPendingCalls = b.maxPendingCalls;
    this.maxXmlRpcResponseBytes = b.maxXmlRpcResponseBytes;
    this.listener = b.listener;
    ReloadingSslContext ssl = b.plaintext ? null : ReloadingSslContext.client(b.tlsFiles(), b.verifyHostName);
    this.tls = ssl;
    this.tlsWatcher = ssl != null && !b.tlsReloadInterval.isZero()
        ? TlsFilesWatcher.start(b.tlsReloadInterval, List.of(ssl)) : null;
    NettyTransport transport = NettyTransport.best();
    this.threads = new ClientThreads(transport, b.ioThreads, b.workerThreads, b.eventExecutor);
    this.context =
        new ClientContext(
            new StompConnector(transport, ssl, b.limits, b.connectTimeout),
            b.defaultTimeout,
            b.heartBeat,
            b.heartBeatGraceFactor,
            b.reconnect,
            b.whileDisconnected,
            !b.sharedReplyDestinations,
            b.maxPendingCalls,
            b.eventQueueCapacity,
            b.maxParseBacklogBytes,
            b.unmatchedResponses,
            threads.group(),
            threads.deadlines(),
            threads.workers(),
            threads.events(),
            this::closed,
            b.listener);
    log.debug("engine client factory: transport {}, TLS {}", transport, ssl == null ? "off" : TlsContexts.provider());
  }

  /** A builder with every setting at its documented default. */
  public static EngineClientBuilder builder() {
    return new EngineClientBuilder();
  }

  /** The deadline of a call that does not give its own. */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /**
   * A client of the host at {@code host:port} over JSON-RPC/STOMP, returned at once: it connects in
   * the background (TCP, TLS with the host certificate checked against {@code host} unless disabled,
   * STOMP CONNECT, subscriptions) and connects again by the reconnect policy whenever the connection
   * fails or is lost, until closed. Calls made before the first connection follow the {@link
   * WhileDisconnected} policy.
   *
   * @param host a host name or IP address; it is also the receiver part of the host's events
   */
  public HostClient open(String host, int port) {
    return open(host, port, HostOptions.DEFAULTS);
  }

  /** {@link #open(String, int)} with settings of this host's own (see {@link HostOptions}). */
  public HostClient open(String host, int port, HostOptions options) {
    return register(new StompHostClient(requireNonNull(host, "host"), port, context, options, true)).start();
  }

  /**
   * Like {@link #open}, but the future completes only once the first connection is established,
   * and fails with {@link ConnectionLostException} (the client closed) when that first attempt fails
   * or takes longer than the connect timeout. After that, lost connections are made again by the
   * reconnect policy.
   */
  public CompletableFuture<HostClient> connect(String host, int port) {
    return connect(host, port, HostOptions.DEFAULTS);
  }

  /** {@link #connect(String, int)} with settings of this host's own (see {@link HostOptions}). */
  public CompletableFuture<HostClient> connect(String host, int port, HostOptions options) {
    StompHostClient client =
        register(new StompHostClient(requireNonNull(host, "host"), port, context, options, false));
    client.start();
    return client.firstSession();
  }

  /**
   * A client of the host at {@code host:port} over legacy XML-RPC ({@code POST /RPC2}, HTTPS with
   * the same TLS material unless {@link EngineClientBuilder#plaintext()}), for hosts that have not moved to
   * JSON-RPC. The methods it can call are listed in the README; it has no events.
   *
   * @throws IOException when the TLS material cannot be read
   */
  public HostClient openXmlRpc(String host, int port) throws IOException {
    requireNonNull(host, "host");
    XmlRpcHostClient.Settings settings =
        new XmlRpcHostClient.Settings(
            httpClient(), !plaintext, defaultTimeout, maxPendingCalls, maxXmlRpcResponseBytes, this::closed);
    return register(new XmlRpcHostClient(host, port, settings));
  }

  private HttpClient httpClient() throws IOException {
    synchronized (httpLock) {
      if (http == null) {
        http = JdkTls.httpClient(tls, verifyHostName, connectTimeout, threads.workers());
      }
      return http;
    }
  }

  /**
   * Opens this engine's connection to an external broker (one for every host; see {@link
   * BrokerConnection}), returned at once: it connects in the background, to the URLs in order, and
   * again by the reconnect policy whenever the connection is lost, until closed.
   *
   * @param engineId the engine id ({@code E} of its reply queue {@code /queue/vdsm.replies.E}),
   *     letters, digits, {@code -} and {@code _}; two engines on one broker need two ids
   * @param urls {@code stomp+ssl://HOST:PORT} (mutual TLS with the factory's PKI, the broker's
   *     certificate checked against HOST unless {@link EngineClientBuilder#verifyHostName} is off) or {@code
   *     stomp://HOST:PORT} (plain TCP, development only); tried in order on reconnect (a cluster)
   * @throws IllegalArgumentException for a malformed URL or engine id
   * @throws IllegalStateException for a TLS URL on a plaintext factory, or when the factory is closed
   */
  public BrokerConnection broker(String engineId, List<URI> urls) {
    return broker(engineId, BrokerDestinations.DEFAULTS, urls);
  }

  /** {@link #broker(String, List)} with {@link URI}s given one by one. */
  public BrokerConnection broker(String engineId, URI... urls) {
    return broker(engineId, List.of(urls));
  }

  /** {@link #broker(String, List)} with destination prefixes of its own. */
  public BrokerConnection broker(String engineId, BrokerDestinations destinations, List<URI> urls) {
    requireNonNull(destinations, "destinations");
    StompConnector tls = context.connector().ssl() == null ? null : context.connector();
    StompConnector plain = new StompConnector(
        context.connector().transport(), null, context.connector().limits(), context.connector().connectTimeout());
    BrokerSession session = new BrokerSession(engineId, BrokerConnection.parse(urls), destinations, context, tls, plain);
    checkOpen();
    BrokerConnection connection = new BrokerConnection(session, context, this::register);
    brokers.add(connection);
    session.start();
    return connection;
  }

  /**
   * Reads the engine's certificate, key, CA and CRL files again, for engines that manage their own
   * files (the factory also notices changed files by itself every {@link EngineClientBuilder#tlsReloadInterval}).
   * When they are usable, every connection made from then on (new hosts, reconnects, XML-RPC) uses
   * them and connections already made keep theirs; otherwise the current material stays and one
   * WARN line says why. {@link ReloadingSslContext.Outcome#UNCHANGED} for a plaintext factory.
   */
  public ReloadingSslContext.Outcome reloadTls() {
    return tls == null ? ReloadingSslContext.Outcome.UNCHANGED : tls.reload();
  }

  private <C extends HostClient> C register(C client) {
    checkOpen();
    clients.add(client);
    listener.hostOpened(client);
    return client;
  }

  private void closed(HostClient client) {
    if (clients.remove(client)) {
      listener.hostClosed(client);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the factory is closed");
    }
  }

  /**
   * Closes every host client made by this factory (each sends UNSUBSCRIBE and DISCONNECT and waits
   * up to two seconds for the receipt, all at once) and stops the threads.
   */
  @Override
  public void close() {
    closed = true;
    List<CompletableFuture<Boolean>> closing = new ArrayList<>();
    for (HostClient c : List.copyOf(clients)) {
      closing.add(c.closeAsync());
    }
    for (BrokerConnection b : List.copyOf(brokers)) {
      closing.add(b.closeAsync());
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("not every host client closed in time", e);
    }
    if (tlsWatcher != null) {
      tlsWatcher.close();
    }
    threads.close();
  }
}

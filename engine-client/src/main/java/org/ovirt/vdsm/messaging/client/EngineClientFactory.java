package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.stomp.client.StompConnector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.ovirt.vdsm.messaging.client.internal.BrokerSession;
import org.ovirt.vdsm.messaging.client.internal.ClientContext;
import org.ovirt.vdsm.messaging.client.internal.ClientThreads;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.client.internal.StompHostClient;
import org.ovirt.vdsm.messaging.client.internal.xmlrpc.JdkTls;
import org.ovirt.vdsm.messaging.client.internal.xmlrpc.XmlRpcHostClient;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext;
import org.ovirt.vdsm.messaging.tls.TlsFiles;
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
 * <p><b>Bounds.</b> Each host has at most {@link Builder#maxPendingCalls} calls waiting (for an
 * answer or for a connection); more fail at once with {@link TooManyPendingCallsException}. Each
 * event subscription queues at most {@link Builder#eventQueueCapacity} events; the oldest is dropped
 * on overflow. A host's frames not parsed yet are bounded by {@link Builder#maxParseBacklogBytes}:
 * above it the client stops reading from that host until the backlog halves. Frame sizes are
 * bounded by {@link Builder#limits}.
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

  private EngineClientFactory(Builder b) throws IOException {
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
            threads.workers(),
            threads.events(),
            this::closed,
            b.listener);
    log.debug("engine client factory: transport {}, TLS {}", transport, ssl == null ? "off" : TlsContexts.provider());
  }

  /** A builder with every setting at its documented default. */
  public static Builder builder() {
    return new Builder();
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
   * the same TLS material unless {@link Builder#plaintext()}), for hosts that have not moved to
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
   *     certificate checked against HOST unless {@link Builder#verifyHostName} is off) or {@code
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
   * files (the factory also notices changed files by itself every {@link Builder#tlsReloadInterval}).
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

  /** Builds an {@link EngineClientFactory}; every setting has a documented default. */
  public static final class Builder {
    private PkiLayout pki;
    private boolean plaintext;
    private boolean verifyHostName = true;
    private Duration defaultTimeout = Duration.ofSeconds(180);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private HeartBeat heartBeat = new HeartBeat(10_000, 10_000);
    private double heartBeatGraceFactor = 1.5;
    private StompDecoderLimits limits = StompDecoderLimits.DEFAULTS;
    private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
    private WhileDisconnected whileDisconnected = WhileDisconnected.WAIT;
    private int maxPendingCalls = 5_000;
    private int eventQueueCapacity = 1_024;
    private long maxParseBacklogBytes = 64L << 20;
    private long maxXmlRpcResponseBytes = 64L << 20;
    private int ioThreads = 0;
    private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private Executor eventExecutor;
    private BiConsumer<HostClient, JsonRpcResponse> unmatchedResponses = (host, response) -> {};
    private boolean sharedReplyDestinations;
    private Path crl;
    private Duration tlsReloadInterval = TlsFilesWatcher.DEFAULT_INTERVAL;
    private ClientListener listener = ClientListener.NONE;

    private Builder() {}

    /**
     * The CA's certificate revocation list (PEM or DER): hosts whose certificate it lists are
     * refused. Default: the PKI directory's {@code certs/cacrl.pem} when it exists; a file given
     * here must exist.
     */
    public Builder crl(Path file) {
      this.crl = requireNonNull(file, "file");
      return this;
    }

    /**
     * How often the engine's certificate, key, CA and CRL files are checked and, when changed,
     * reloaded for new connections (default 5 s); {@link Duration#ZERO}: only by {@link
     * EngineClientFactory#reloadTls()}.
     */
    public Builder tlsReloadInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval must not be negative: " + interval);
      }
      this.tlsReloadInterval = interval;
      return this;
    }

    private TlsFiles tlsFiles() {
      TlsFiles files = TlsFiles.engine(pki);
      return crl == null ? files : files.withRequiredCrl(crl);
    }

    /** Mutual TLS with the engine certificate, key and CA of {@code pki} (the default mode). */
    public Builder pki(PkiLayout pki) {
      this.pki = requireNonNull(pki, "pki");
      this.plaintext = false;
      return this;
    }

    /** Plain TCP, no TLS (development and tests only). */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    /**
     * Whether the host certificate must match the host name or IP address connected to (default
     * on). Turning it off lets any holder of a certificate of the CA impersonate any host; it is
     * logged as a warning.
     */
    public Builder verifyHostName(boolean verify) {
      this.verifyHostName = verify;
      return this;
    }

    /** The deadline of calls that give none (default 180 s, the engine's). */
    public Builder defaultTimeout(Duration timeout) {
      this.defaultTimeout = positive(timeout, "timeout");
      return this;
    }

    /** How long one connection attempt (TCP, TLS, STOMP CONNECTED) may take (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * The heart-beat offered in every CONNECT (default {@code 10000,10000}); the intervals in force
     * are negotiated with the host's CONNECTED per STOMP 1.2 on every connection, from this same
     * offer, so they never drift across reconnects. 0,0 turns heart-beats off.
     */
    public Builder heartBeat(HeartBeat heartBeat) {
      this.heartBeat = requireNonNull(heartBeat, "heartBeat");
      return this;
    }

    /**
     * A host silent for the negotiated receive interval times this factor is declared dead and its
     * connection closed (default 1.5, the engine's: the interval plus half of it as grace).
     */
    public Builder heartBeatGraceFactor(double factor) {
      if (!(factor >= 1.0) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("factor must be >= 1 and finite: " + factor);
      }
      this.heartBeatGraceFactor = factor;
      return this;
    }

    /** Frame size limits for what hosts send (default {@link StompDecoderLimits#DEFAULTS}). */
    public Builder limits(StompDecoderLimits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    /** When to connect again after a failure or loss (default {@link ReconnectPolicy#DEFAULT}). */
    public Builder reconnect(ReconnectPolicy policy) {
      this.reconnect = requireNonNull(policy, "policy");
      return this;
    }

    /** What calls made without a connection do (default {@link WhileDisconnected#WAIT}). */
    public Builder whileDisconnected(WhileDisconnected policy) {
      this.whileDisconnected = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * How many calls one host may have waiting for an answer or a connection (default 5,000); more
     * fail at once with {@link TooManyPendingCallsException}.
     */
    public Builder maxPendingCalls(int max) {
      this.maxPendingCalls = atLeastOne(max, "max");
      return this;
    }

    /**
     * How many undelivered events one subscription may hold (default 1,024); on overflow the oldest
     * is dropped and counted ({@link EventSubscription#droppedEvents()}).
     */
    public Builder eventQueueCapacity(int capacity) {
      this.eventQueueCapacity = atLeastOne(capacity, "capacity");
      return this;
    }

    /**
     * Bytes of received frames of one host not parsed yet above which reading from that host pauses
     * until half of them are parsed (default 64 MiB).
     */
    public Builder maxParseBacklogBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytes must be >= 1");
      }
      this.maxParseBacklogBytes = bytes;
      return this;
    }

    /** The largest legacy XML-RPC response body accepted (default 64 MiB). */
    public Builder maxXmlRpcResponseBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytes must be >= 1");
      }
      this.maxXmlRpcResponseBytes = bytes;
      return this;
    }

    /** Network threads shared by all hosts (default 0: Netty's default, twice the cores). */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0");
      }
      this.ioThreads = threads;
      return this;
    }

    /** Threads that parse answers and complete futures (default the number of cores, at least 2). */
    public Builder workerThreads(int threads) {
      this.workerThreads = atLeastOne(threads, "threads");
      return this;
    }

    /**
     * Where events are delivered to subscribers (default: two daemon threads owned by the factory).
     * A subscriber that blocks holds one of its threads; give blocking subscribers their own.
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Told about every answer that belongs to no call: late answers (after the call's deadline),
     * {@code "id": null} errors that cannot be attributed, unreadable answers. Each is also logged as
     * a warning. Runs on a worker thread; must not block. Default: nothing more than the log.
     */
    public Builder onUnmatchedResponse(BiConsumer<HostClient, JsonRpcResponse> handler) {
      this.unmatchedResponses = requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Where hosts send the answers of each connection. Default ({@code false}): a reply destination
     * of the connection's own per side, {@code jms.topic.vdsm_responses.<uuid>} and {@code
     * jms.topic.vdsm_irs_responses.<uuid>}, subscribed on connecting and sent as {@code reply-to}:
     * a VDSM host delivers each answer to every subscription of the reply-to destination, so
     * connections sharing one (two engines, the engine and {@code vdsm-client}) would receive each
     * other's answers. {@code true}: VDSM's shared {@code jms.topic.vdsm_responses} and {@code
     * jms.topic.vdsm_irs_responses}, for peers that answer only there; answers meant for other
     * connections are then dropped at DEBUG, never reported as unmatched.
     */
    public Builder sharedReplyDestinations(boolean shared) {
      this.sharedReplyDestinations = shared;
      return this;
    }

    /**
     * Who is told which host clients exist and how their calls end (default: nobody), for metrics:
     * {@code builder.listener(EngineClientMetrics.bindTo(registry))} with Micrometer on the class
     * path (see {@code client.metrics}). JSON-RPC calls are reported; XML-RPC clients are reported
     * as hosts, their calls are not.
     */
    public Builder listener(ClientListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the factory.
     *
     * @throws IOException when the TLS material cannot be read
     */
    public EngineClientFactory build() throws IOException {
      if (!plaintext && pki == null) {
        throw new IllegalStateException("set pki(...) for mutual TLS, or plaintext()");
      }
      return new EngineClientFactory(this);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    private static int atLeastOne(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be >= 1: " + value);
      }
      return value;
    }
  }
}

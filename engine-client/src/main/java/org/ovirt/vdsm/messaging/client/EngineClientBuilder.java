package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsFiles;
import org.ovirt.vdsm.messaging.tls.TlsFilesWatcher;

/** Builds an {@link EngineClientFactory}; every setting has a documented default. */
public final class EngineClientBuilder {
  PkiLayout pki;
  boolean plaintext;
  boolean verifyHostName = true;
  Duration defaultTimeout = Duration.ofSeconds(180);
  Duration connectTimeout = Duration.ofSeconds(10);
  HeartBeat heartBeat = new HeartBeat(10_000, 10_000);
  double heartBeatGraceFactor = 1.5;
  StompDecoderLimits limits = StompDecoderLimits.DEFAULTS;
  ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
  WhileDisconnected whileDisconnected = WhileDisconnected.WAIT;
  int maxPendingCalls = 5_000;
  int eventQueueCapacity = 1_024;
  long maxParseBacklogBytes = 64L << 20;
  long maxXmlRpcResponseBytes = 64L << 20;
  int ioThreads = 0;
  int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
  Executor eventExecutor;
  BiConsumer<HostClient, JsonRpcResponse> unmatchedResponses = (host, response) -> {};
  boolean sharedReplyDestinations;
  Path crl;
  Duration tlsReloadInterval = TlsFilesWatcher.DEFAULT_INTERVAL;
  ClientListener listener = ClientListener.NONE;

  EngineClientBuilder() {}

  /**
   * The CA's certificate revocation list (PEM or DER): hosts whose certificate it lists are
   * refused. Default: the PKI directory's {@code certs/cacrl.pem} when it exists; a file given
   * here must exist.
   */
  public EngineClientBuilder crl(Path file) {
    this.crl = requireNonNull(file, "file");
    return this;
  }

  /**
   * How often the engine's certificate, key, CA and CRL files are checked and, when changed,
   * reloaded for new connections (default 5 s); {@link Duration#ZERO}: only by {@link
   * EngineClientFactory#reloadTls()}.
   */
  public EngineClientBuilder tlsReloadInterval(Duration interval) {
    requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative: " + interval);
    }
    this.tlsReloadInterval = interval;
    return this;
  }

  TlsFiles tlsFiles() {
    TlsFiles files = TlsFiles.engine(pki);
    return crl == null ? files : files.withRequiredCrl(crl);
  }

  /** Mutual TLS with the engine certificate, key and CA of {@code pki} (the default mode). */
  public EngineClientBuilder pki(PkiLayout pki) {
    this.pki = requireNonNull(pki, "pki");
    this.plaintext = false;
    return this;
  }

  /** Plain TCP, no TLS (development and tests only). */
  public EngineClientBuilder plaintext() {
    this.plaintext = true;
    return this;
  }

  /**
   * Whether the host certificate must match the host name or IP address connected to (default
   * on). Turning it off lets any holder of a certificate of the CA impersonate any host; it is
   * logged as a warning.
   */
  public EngineClientBuilder verifyHostName(boolean verify) {
    this.verifyHostName = verify;
    return this;
  }

  /** The deadline of calls that give none (default 180 s, the engine's). */
  public EngineClientBuilder defaultTimeout(Duration timeout) {
    this.defaultTimeout = positive(timeout, "timeout");
    return this;
  }

  /** How long one connection attempt (TCP, TLS, STOMP CONNECTED) may take (default 10 s). */
  public EngineClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "timeout");
    return this;
  }

  /**
   * The heart-beat offered in every CONNECT (default {@code 10000,10000}); the intervals in force
   * are negotiated with the host's CONNECTED per STOMP 1.2 on every connection, from this same
   * offer, so they never drift across reconnects. 0,0 turns heart-beats off.
   */
  public EngineClientBuilder heartBeat(HeartBeat heartBeat) {
    this.heartBeat = requireNonNull(heartBeat, "heartBeat");
    return this;
  }

  /**
   * A host silent for the negotiated receive interval times this factor is declared dead and its
   * connection closed (default 1.5, the engine's: the interval plus half of it as grace).
   */
  public EngineClientBuilder heartBeatGraceFactor(double factor) {
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be >= 1 and finite: " + factor);
    }
    this.heartBeatGraceFactor = factor;
    return this;
  }

  /** Frame size limits for what hosts send (default {@link StompDecoderLimits#DEFAULTS}). */
  public EngineClientBuilder limits(StompDecoderLimits limits) {
    this.limits = requireNonNull(limits, "limits");
    return this;
  }

  /** When to connect again after a failure or loss (default {@link ReconnectPolicy#DEFAULT}). */
  public EngineClientBuilder reconnect(ReconnectPolicy policy) {
    this.reconnect = requireNonNull(policy, "policy");
    return this;
  }

  /** What calls made without a connection do (default {@link WhileDisconnected#WAIT}). */
  public EngineClientBuilder whileDisconnected(WhileDisconnected policy) {
    this.whileDisconnected = requireNonNull(policy, "policy");
    return this;
  }

  /**
   * How many calls one host may have waiting for an answer or a connection (default 5,000); more
   * fail at once with {@link TooManyPendingCallsException}.
   */
  public EngineClientBuilder maxPendingCalls(int max) {
    this.maxPendingCalls = atLeastOne(max, "max");
    return this;
  }

  /**
   * How many undelivered events one subscription may hold (default 1,024); on overflow the oldest
   * is dropped and counted ({@link EventSubscription#droppedEvents()}).
   */
  public EngineClientBuilder eventQueueCapacity(int capacity) {
    this.eventQueueCapacity = atLeastOne(capacity, "capacity");
    return this;
  }

  /**
   * Bytes of received frames of one host not parsed yet above which reading from that host pauses
   * until half of them are parsed (default 64 MiB).
   */
  public EngineClientBuilder maxParseBacklogBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be >= 1");
    }
    this.maxParseBacklogBytes = bytes;
    return this;
  }

  /** The largest legacy XML-RPC response body accepted (default 64 MiB). */
  public EngineClientBuilder maxXmlRpcResponseBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be >= 1");
    }
    this.maxXmlRpcResponseBytes = bytes;
    return this;
  }

  /** Network threads shared by all hosts (default 0: Netty's default, twice the cores). */
  public EngineClientBuilder ioThreads(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0");
    }
    this.ioThreads = threads;
    return this;
  }

  /** Threads that parse answers and complete futures (default the number of cores, at least 2). */
  public EngineClientBuilder workerThreads(int threads) {
    this.workerThreads = atLeastOne(threads, "threads");
    return this;
  }

  /**
   * Where events are delivered to subscribers (default: two daemon threads owned by the factory).
   * A subscriber that blocks holds one of its threads; give blocking subscribers their own.
   */
  public EngineClientBuilder eventExecutor(Executor executor) {
    this.eventExecutor = requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Told about every answer that belongs to no call: late answers (after the call's deadline),
   * {@code "id": null} errors that cannot be attributed, unreadable answers. Each is also logged as
   * a warning. Runs on a worker thread; must not block. Default: nothing more than the log.
   */
  public EngineClientBuilder onUnmatchedResponse(BiConsumer<HostClient, JsonRpcResponse> handler) {
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
  public EngineClientBuilder sharedReplyDestinations(boolean shared) {
    this.sharedReplyDestinations = shared;
    return this;
  }

  /**
   * Who is told which host clients exist and how their calls end (default: nobody), for metrics:
   * {@code builder.listener(EngineClientMetrics.bindTo(registry))} with Micrometer on the class
   * path (see {@code client.metrics}). JSON-RPC calls are reported; XML-RPC clients are reported
   * as hosts, their calls are not.
   */
  public EngineClientBuilder listener(ClientListener listener) {
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

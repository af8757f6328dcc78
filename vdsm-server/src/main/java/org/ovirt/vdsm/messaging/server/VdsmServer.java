package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.Version;
import org.ovirt.vdsm.messaging.detector.CommandLineDetector;
import org.ovirt.vdsm.messaging.detector.DetectionSettings;
import org.ovirt.vdsm.messaging.detector.ProtocolDetection;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.server.api.DefaultHostBackend;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.events.BrokerEventSink;
import org.ovirt.vdsm.messaging.server.events.EventSink;
import org.ovirt.vdsm.messaging.server.guard.ConnectionLimiter;
import org.ovirt.vdsm.messaging.server.guard.ServerBudgets;
import org.ovirt.vdsm.messaging.server.guard.SlowReaderGuard;
import org.ovirt.vdsm.messaging.server.metrics.ConnectionMeter;
import org.ovirt.vdsm.messaging.server.metrics.ServerMeters;
import org.ovirt.vdsm.messaging.server.metrics.ServerMetrics;
import org.ovirt.vdsm.messaging.server.rpc.DispatcherSettings;
import org.ovirt.vdsm.messaging.server.rpc.JsonRpcDispatcher;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;
import org.ovirt.vdsm.messaging.server.rpc.SchemaParamValidator;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.server.stomp.StompServerPipeline;
import org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcBinding;
import org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcHttpPipeline;
import org.ovirt.vdsm.messaging.xmlrpc.LegacyVerbs;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.tls.TlsFilesWatcher;
import org.ovirt.vdsm.messaging.transport.NettyTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host service: one TCP port for every protocol. Each connection goes through protocol
 * detection ({@link ProtocolDetection}): mutual TLS when required (or when the client starts a
 * handshake and TLS is optional), then STOMP 1.2 carrying JSON-RPC 2.0 requests to the host API, or
 * the legacy XML-RPC over HTTP/1.1 ({@code POST /RPC2}) mapped onto the same API. STOMP is
 * recognised before HTTP ({@code CONNECT} is both). Start with {@link #start}, stop with {@link
 * #close}.
 */
public final class VdsmServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VdsmServer.class);


  private final VdsmServerConfig config;
  private final MethodRegistry methods;
  private final Broker broker;
  private final BrokerEventSink events;
  private final JsonRpcDispatcher dispatcher;
  private final XmlRpcBinding xmlrpc;
  private final ServerBudgets budgets;
  private final ServerMetrics metrics;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup ioGroup;
  private final NettyTransport transport = NettyTransport.best();
  private final java.util.List<AutoCloseable> closeables = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup("vdsm-connections", GlobalEventExecutor.INSTANCE);
  private Channel serverChannel;
  private volatile ReloadingSslContext tls;
  private boolean closed;

  /** A server with the default (simulated) host backend registered, see {@link DefaultHostBackend}. */
  public static VdsmServer withDefaultApi(VdsmServerConfig config) {
    return withDefaultApi(config, SimulationSettings.defaults());
  }

  /** Like {@link #withDefaultApi(VdsmServerConfig)} with the simulation's timings and bounds. */
  public static VdsmServer withDefaultApi(VdsmServerConfig config, SimulationSettings simulation) {
    return withDefaultApi(config, simulation, null);
  }

  /**
   * Like {@link #withDefaultApi(VdsmServerConfig, SimulationSettings)}, with the host's metrics in
   * {@code registry} (see {@link ServerMeters}), or none when it is {@code null}.
   */
  public static VdsmServer withDefaultApi(VdsmServerConfig config, SimulationSettings simulation, MeterRegistry registry) {
    VdsmServer server = new VdsmServer(config, new MethodRegistry(), registry);
    DefaultHostBackend backend = DefaultHostBackend.standalone(server.events(), simulation, version());
    backend.registerWith(server.methods());
    server.closeWith(backend);
    return server;
  }

  /** A server answering the methods of {@code methods}. */
  public VdsmServer(VdsmServerConfig config, MethodRegistry methods) {
    this(config, methods, null);
  }

  /**
   * A server answering the methods of {@code methods}, with its metrics in {@code registry} (see
   * {@link ServerMeters}); {@code null} for none: nothing is counted then.
   */
  public VdsmServer(VdsmServerConfig config, MethodRegistry methods, MeterRegistry registry) {
    this.config = requireNonNull(config, "config");
    this.methods = requireNonNull(methods, "methods");
    this.broker = new Broker(config.broker());
    this.events = new BrokerEventSink(broker);
    this.budgets = new ServerBudgets(config.stomp().guards());
    this.metrics = registry == null
        ? ServerMetrics.NONE
        : ServerMeters.register(registry, broker, config.broker().queues(), budgets);
    this.dispatcher = new JsonRpcDispatcher(methods, SchemaParamValidator.vdsm(!config.apiStrict()),
        DispatcherSettings.DEFAULTS
            .withThreadsPerSubsystem(config.workerThreads())
            .withQueuePerSubsystem(config.requestQueueCapacity())
            .withRequestTimeout(config.requestTimeout()),
        metrics);
    this.xmlrpc =
        config.xmlrpc().enabled()
            ? new XmlRpcBinding(methods, dispatcher, LegacyVerbs.VDSM, config.xmlrpc())
            : null;
    this.bossGroup = transport.newGroup(1, "vdsm-accept", true);
    this.ioGroup = transport.newGroup(0, "vdsm-io", true);
  }

  /** This build's version. */
  public static String version() {
    return Version.get();
  }

  /** Closes {@code resource} (a backend, say) when this server is closed, after the network stops. */
  public void closeWith(AutoCloseable resource) {
    closeables.add(requireNonNull(resource, "resource"));
  }

  /** Where the host API publishes its events (through this server's broker). */
  public EventSink events() {
    return events;
  }

  /** The internal broker. */
  public Broker broker() {
    return broker;
  }

  /** The server-wide budgets and their live counts (connections, partial frames, pending writes). */
  public ServerBudgets budgets() {
    return budgets;
  }

  /** The endpoint that runs JSON-RPC request bodies from any source (a broker connection, say). */
  public RpcEndpoint endpoint() {
    return new RpcEndpoint(dispatcher);
  }

  /** The registered methods (register more before {@link #start}). */
  public MethodRegistry methods() {
    return methods;
  }

  /**
   * Binds the port and starts serving.
   *
   * @return the address actually bound (its port is the real one when the config asked for 0)
   * @throws IOException when the port cannot be bound or the TLS material cannot be loaded
   */
  public synchronized InetSocketAddress start() throws IOException {
    if (serverChannel != null) {
      throw new IllegalStateException("already started");
    }
    ReloadingSslContext ssl = config.tlsMode() != TlsMode.OFF
        ? ReloadingSslContext.server(config.tlsReload().hostFiles(config.pki())) : null;
    if (ssl != null && config.tlsReload().polls()) {
      closeWith(TlsFilesWatcher.start(config.tlsReload().pollInterval(), List.of(ssl)));
    }
    tls = ssl;
    ConnectionLimiter limiter = new ConnectionLimiter(budgets);
    StompServerPipeline stomp =
        new StompServerPipeline(broker, new RpcEndpoint(dispatcher), config.stomp(), "vdsm-messaging/" + version(), budgets);
    XmlRpcHttpPipeline http = new XmlRpcHttpPipeline(config.xmlrpc(), xmlrpc);
    DetectionSettings detection =
        new DetectionSettings(
            config.tlsMode(),
            ssl,
            config.tlsHandshakeTimeout(),
            config.detectionTimeout(),
            List.of(
                CommandLineDetector.stomp(pipeline -> {
                  ConnectionLogger.detected(pipeline, "STOMP");
                  stomp.install(pipeline);
                  ConnectionMeter.detected(pipeline, "stomp");
                }),
                CommandLineDetector.http(pipeline -> {
                  ConnectionLogger.detected(pipeline, "HTTP (XML-RPC)");
                  http.install(pipeline);
                  ConnectionMeter.detected(pipeline, "xmlrpc");
                })));
    RateLimitedLog connectionLog = ConnectionLogger.sharedLog();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(bossGroup, ioGroup)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(ConnectionLimiter.NAME, limiter);
                    ch.pipeline().addLast(SlowReaderGuard.NAME, new SlowReaderGuard(budgets.settings().slowReaderTimeout()));
                    connections.add(ch);
                    ProtocolDetection.install(ch.pipeline(), detection);
                    ch.pipeline().addLast(ConnectionLogger.NAME, new ConnectionLogger(connectionLog));
                    if (metrics != ServerMetrics.NONE) {
                      ch.pipeline().addLast(ConnectionMeter.NAME, new ConnectionMeter(metrics));
                    }
                  }
                });
    try {
      serverChannel =
          bootstrap.bind(config.bindAddress(), config.port()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      throw new IOException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    log.info("listening on {} ({}, TLS {}, {}, XML-RPC {})", bound, transport, config.tlsMode(),
        ssl == null ? "no TLS" : TlsContexts.provider(), config.xmlrpc().enabled() ? "on" : "off");
    return bound;
  }

  /**
   * Reads the host's certificate, key, CA and CRL files again (what SIGHUP does): new connections
   * use them when they are usable, connections already made keep theirs; otherwise the current
   * material stays, with one WARN line saying why. Returns {@link ReloadingSslContext.Outcome#UNCHANGED}
   * when TLS is off or the server is not started.
   */
  public ReloadingSslContext.Outcome reloadTls() {
    ReloadingSslContext current = tls;
    return current == null ? ReloadingSslContext.Outcome.UNCHANGED : current.reload();
  }

  /** The host's TLS context, once started with TLS. */
  public Optional<ReloadingSslContext> tls() {
    return Optional.ofNullable(tls);
  }

  /** The bound address, once started. */
  public synchronized InetSocketAddress localAddress() {
    if (serverChannel == null) {
      throw new IllegalStateException("not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Stops at once: stops listening, closes every connection (calls in flight are lost to their
   * clients, as when the process dies), and stops the workers. See {@link #drainAndClose()} for a
   * requested stop.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopListening();
    ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (xmlrpc != null) {
      xmlrpc.close();
    }
    dispatcher.close();
    closeResources();
  }

  /**
   * Stops as a service asked to stop should: stops listening, lets the calls in flight finish and
   * their answers go out on their connections (for at most the dispatcher's drain bound, five
   * seconds), then closes every connection and stops the workers.
   */
  public synchronized void drainAndClose() {
    if (closed) {
      return;
    }
    closed = true;
    stopListening();
    dispatcher.close();
    if (xmlrpc != null) {
      xmlrpc.close();
    }
    // Closed through each pipeline, after the answers already handed to it are written.
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    closeResources();
  }

  private void stopListening() {
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private void closeResources() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("failed to close {}", c, e);
      }
    }
  }
}

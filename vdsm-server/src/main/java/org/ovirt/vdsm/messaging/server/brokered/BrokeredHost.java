package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;
import org.ovirt.vdsm.messaging.stomp.client.StompConnector;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.transport.NettyTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host serving through an external broker: one outgoing STOMP connection (mutual TLS, {@code
 * host:/}, heart-beats, TCP_NODELAY) to the first reachable of its broker URLs, subscribed with
 * {@code ack:auto} to {@code /queue/vdsm.requests.<host>.<subsystem>} of each subsystem it serves.
 * Each request runs through the {@link RpcEndpoint} bounded by its own deadline ({@link
 * BrokeredRequests}); its answer is a SEND to the request's {@code reply-to}. A request whose {@link
 * BrokerHeaders#DEADLINE} has passed when it arrives is dropped with a (rate-limited) log line and
 * never executed; an answer computed after the deadline, or while no broker connection is up, is
 * dropped with a log line (the engine has failed that call).
 *
 * <p>Delivery is at most once: {@code ack:auto} means a request the broker handed over is never
 * redelivered, so a host that dies mid-call does not run a non-idempotent verb twice (NACK drops on
 * Artemis and requeues on RabbitMQ, so it is not used). When the connection ends the host
 * reconnects with exponential backoff and jitter, trying the URLs in order, and subscribes again;
 * nothing runs while it waits.
 */
public final class BrokeredHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokeredHost.class);
  private static final double HEART_BEAT_GRACE = 2.0;
  private static final String SUBSCRIBED_RECEIPT = "vdsm-subscribed-";

  private final BrokeredHostSettings settings;
  private final Consumer<String> onFirstSubscribed;
  private final StompConnector tlsConnector;
  private final StompConnector plainConnector;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final ThreadPoolExecutor resolver;
  private final BrokeredRequests requests;
  private final RateLimitedLog dropped = new RateLimitedLog(log, 1, Duration.ofSeconds(10));

  private volatile boolean closed;
  private volatile boolean subscribed;
  // confined to the loop
  private StompClientSession current;
  private BrokerUrl currentUrl;
  private ScheduledFuture<?> connectTimer;
  private ScheduledFuture<?> retry;
  private int nextUrl;
  private int failures;
  private long generation;
  private boolean announced;

  /**
   * @param settings brokers, host id, subsystems, timings
   * @param ssl the host's client TLS context (host certificate, CA, broker name checked); {@code
   *     null} only when every URL is plain {@code stomp://}
   * @param endpoint runs the requests
   * @param onFirstSubscribed receives the "connected" line once, when the first subscriptions are
   *     confirmed by the broker
   */
  public BrokeredHost(BrokeredHostSettings settings, SslContext ssl, RpcEndpoint endpoint, Consumer<String> onFirstSubscribed) {
    this.settings = requireNonNull(settings, "settings");
    this.requests = new BrokeredRequests(requireNonNull(endpoint, "endpoint"), this::sendAnswer, System::currentTimeMillis);
    this.onFirstSubscribed = requireNonNull(onFirstSubscribed, "onFirstSubscribed");
    if (ssl == null && settings.urls().stream().anyMatch(BrokerUrl::tls)) {
      throw new IllegalArgumentException("a stomp+ssl:// broker needs the host's TLS context");
    }
    NettyTransport transport = NettyTransport.best();
    this.tlsConnector = ssl == null ? null : new StompConnector(transport, ssl, StompDecoderLimits.DEFAULTS, settings.connectTimeout());
    this.plainConnector = new StompConnector(transport, null, StompDecoderLimits.DEFAULTS, settings.connectTimeout());
    this.group = transport.newGroup(1, "vdsm-broker-" + settings.hostId(), true);
    this.loop = group.next();
    this.resolver = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4), r -> {
      Thread t = new Thread(r, "vdsm-broker-resolver");
      t.setDaemon(true);
      return t;
    });
  }

  /** The settings. */
  public BrokeredHostSettings settings() {
    return settings;
  }

  /** Starts connecting (returns at once). */
  public void start() {
    loop.execute(this::connectNext);
  }

  /** Whether the request subscriptions are in force on a live broker connection now. */
  public boolean isSubscribed() {
    return subscribed;
  }

  /** The "connected" line for {@code url}. */
  public String connectedLine(BrokerUrl url) {
    return "vdsm-server connected to broker " + url + " as " + settings.hostId() + " serving " + settings.subsystemList();
  }

  // ------------------------------------------------------------------------------ connection

  private void connectNext() {
    if (closed) {
      return;
    }
    retry = null;
    BrokerUrl url = settings.urls().get(nextUrl);
    nextUrl = (nextUrl + 1) % settings.urls().size();
    StompClientSession session = new StompClientSession(url.name(), "/", settings.heartBeat(), HEART_BEAT_GRACE,
        new Listener(), "broker");
    current = session;
    currentUrl = url;
    StompConnector connector = url.tls() ? tlsConnector : plainConnector;
    connectTimer = connector.open(loop, resolver, url.host(), url.port(), session, () -> !closed && current == session);
  }

  private void scheduleReconnect() {
    if (closed || retry != null) {
      return;
    }
    failures++;
    long min = settings.minBackoff().toMillis();
    long base = Math.min(settings.maxBackoff().toMillis(), min << Math.min(failures - 1, 20));
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    log.info("reconnecting to the broker in {} ms (attempt {})", delay, failures);
    retry = loop.schedule(this::connectNext, delay, TimeUnit.MILLISECONDS);
  }

  private void subscribe(StompClientSession session) {
    generation++;
    int left = settings.subsystems().size();
    for (Subsystem s : settings.subsystems()) {
      StompFrame.Builder frame = StompFrame.builder(StompCommand.SUBSCRIBE)
          .header(StompHeaders.DESTINATION, settings.destinations().requests(settings.hostId(), s))
          .header(StompHeaders.ID, "requests-" + s.wireName())
          .header(StompHeaders.ACK, "auto");
      if (--left == 0) {
        frame.header(StompHeaders.RECEIPT, SUBSCRIBED_RECEIPT + generation);
      }
      session.send(frame.build());
    }
    session.flush();
  }

  private final class Listener implements StompClientSession.Listener {
    @Override
    public void sessionStarted(StompClientSession session, HeartBeat.Negotiated negotiated) {
      if (session != current) {
        return;
      }
      connectTimer.cancel(false);
      failures = 0;
      log.info("connected to broker {} (heart-beat {}), subscribing", currentUrl, negotiated);
      subscribe(session);
    }

    @Override
    public void receipt(StompClientSession session, String receiptId) {
      if (session != current || !(SUBSCRIBED_RECEIPT + generation).equals(receiptId)) {
        return;
      }
      subscribed = true;
      String line = connectedLine(currentUrl);
      log.info("{}", line);
      if (!announced) {
        announced = true;
        onFirstSubscribed.accept(line);
      }
    }

    @Override
    public void message(StompClientSession session, StompFrame frame) {
      requests.onRequest(frame);
    }

    @Override
    public void sessionEnded(StompClientSession session, SessionEnd end) {
      if (session != current) {
        return;
      }
      current = null;
      subscribed = false;
      if (connectTimer != null) {
        connectTimer.cancel(false);
      }
      if (!closed) {
        log.warn("broker {}: {}", currentUrl, end.message());
        scheduleReconnect();
      }
    }
  }

  // ------------------------------------------------------------------------------ answers

  /** Sends an answer on the current broker connection; dropped (with a log line) when there is none. */
  private void sendAnswer(String replyTo, byte[] answer) {
    loop.execute(() -> {
      StompClientSession session = current;
      Channel channel = session == null ? null : session.channel();
      if (!subscribed || channel == null) {
        dropped.warn("dropped an answer to {} computed while disconnected from the broker", replyTo);
        return;
      }
      if (!channel.isWritable()) {
        dropped.warn("dropped an answer to {}: the broker connection is not writable (broker not reading)", replyTo);
        return;
      }
      session.send(StompFrame.builder(StompCommand.SEND)
          .header(StompHeaders.DESTINATION, replyTo)
          .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON)
          .header(BrokerHeaders.HOST_ID, settings.hostId())
          .body(answer)
          .build());
      session.flush();
    });
  }

  /** Publishes an event body on the topic of {@code subsystem}; dropped when not connected (topics keep nothing). */
  void publishEvent(Subsystem subsystem, byte[] body) {
    requireNonNull(subsystem, "subsystem");
    requireNonNull(body, "body");
    if (closed) {
      return;
    }
    loop.execute(() -> {
      StompClientSession session = current;
      Channel channel = session == null ? null : session.channel();
      if (!subscribed || channel == null || !channel.isWritable()) {
        log.debug("event on {} dropped: not connected to the broker", subsystem);
        return;
      }
      session.send(StompFrame.builder(StompCommand.SEND)
          .header(StompHeaders.DESTINATION, settings.destinations().events(settings.hostId(), subsystem))
          .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON)
          .header(BrokerHeaders.HOST_ID, settings.hostId())
          .body(body)
          .build());
      session.flush();
    });
  }

  /** Disconnects from the broker and stops the connection's threads. */
  @Override
  public void close() {
    closed = true;
    subscribed = false;
    try {
      loop.submit(() -> {
        if (retry != null) {
          retry.cancel(false);
        }
        if (connectTimer != null) {
          connectTimer.cancel(false);
        }
        StompClientSession session = current;
        if (session != null && session.channel() != null) {
          if (session.isConnected()) {
            session.disconnect("vdsm-bye");
          }
          session.channel().close();
        }
      }).awaitUninterruptibly(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // already shut down
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    resolver.shutdownNow();
  }
}

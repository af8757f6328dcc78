package org.ovirt.vdsm.messaging.it.bench;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd;
import org.ovirt.vdsm.messaging.stomp.client.StompClientSession;
import org.ovirt.vdsm.messaging.stomp.client.StompConnector;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * Many idle VDSM host sessions on one broker, held the way a broker-mode host holds its own (the
 * same STOMP client session of {@code common}): mutual TLS with the host's own certificate, CONNECT
 * with {@code host:/} and heart-beats {@value #HEART_BEAT_MS},{@value #HEART_BEAT_MS}, one
 * {@code ack:auto} SUBSCRIBE per request queue of the four subsystems, the last with a receipt. Only
 * what a fleet costs the broker is of interest: the sessions share two event-loop threads and carry
 * no requests.
 */
final class IdleHosts implements AutoCloseable {
  static final long HEART_BEAT_MS = 5000;
  private static final String SUBSCRIBED = "subscribed";
  private static final int WAVE = 50;

  private final NettyTransport transport = NettyTransport.best();
  private final EventLoopGroup group = transport.newGroup(2, "fleet-hosts", true);
  private final List<StompClientSession> sessions = new ArrayList<>();
  private final int port;
  private final AtomicInteger ended = new AtomicInteger();

  /** Sessions to the mutual-TLS STOMP port {@code port} on 127.0.0.1 (broker certificate: localhost). */
  IdleHosts(int port) {
    this.port = port;
  }

  /** A host's TLS context. */
  @FunctionalInterface
  interface Credentials {
    SslContext of(String hostId) throws IOException;
  }

  /**
   * Opens one session per host id, {@value #WAVE} at a time, each wave within {@code timeout}, and
   * returns once every one has its subscriptions confirmed.
   *
   * @throws IOException when a session ends or is not subscribed in time
   */
  void add(List<String> hostIds, Credentials credentials, Duration timeout) throws IOException, InterruptedException {
    requireNonNull(hostIds, "hostIds");
    requireNonNull(credentials, "credentials");
    for (int from = 0; from < hostIds.size(); from += WAVE) {
      List<String> wave = hostIds.subList(from, Math.min(hostIds.size(), from + WAVE));
      CountDownLatch done = new CountDownLatch(wave.size());
      AtomicInteger failed = new AtomicInteger();
      for (String hostId : wave) {
        open(hostId, credentials.of(hostId), done, failed, timeout);
      }
      if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || failed.get() > 0) {
        throw new IOException(failed.get() + " of " + wave.size() + " host sessions failed, "
            + done.getCount() + " not subscribed within " + timeout);
      }
    }
  }

  private void open(String hostId, SslContext ssl, CountDownLatch done, AtomicInteger failed, Duration timeout) {
    StompConnector connector = new StompConnector(transport, ssl, StompDecoderLimits.DEFAULTS, timeout);
    EventLoop loop = group.next();
    StompClientSession session = new StompClientSession("127.0.0.1:" + port, "/",
        new HeartBeat(HEART_BEAT_MS, HEART_BEAT_MS), 2.0, new StompClientSession.Listener() {
          private boolean subscribed;

          @Override
          public void sessionStarted(StompClientSession s, HeartBeat.Negotiated negotiated) {
            Subsystem[] all = Subsystem.values();
            for (int i = 0; i < all.length; i++) {
              StompFrame.Builder frame = StompFrame.builder(StompCommand.SUBSCRIBE)
                  .header(StompHeaders.DESTINATION, BrokerDestinations.DEFAULTS.requests(hostId, all[i]))
                  .header(StompHeaders.ID, "requests-" + all[i].wireName())
                  .header(StompHeaders.ACK, "auto");
              if (i == all.length - 1) {
                frame.header(StompHeaders.RECEIPT, SUBSCRIBED);
              }
              s.send(frame.build());
            }
            s.flush();
          }

          @Override
          public void receipt(StompClientSession s, String receiptId) {
            if (!subscribed && SUBSCRIBED.equals(receiptId)) {
              subscribed = true;
              done.countDown();
            }
          }

          @Override
          public void message(StompClientSession s, StompFrame frame) {
            // idle hosts get no requests
          }

          @Override
          public void sessionEnded(StompClientSession s, SessionEnd end) {
            ended.incrementAndGet();
            if (!subscribed) {
              failed.incrementAndGet();
              done.countDown();
            }
          }
        }, "broker");
    sessions.add(session);
    loop.execute(() -> connector.connect(loop, "localhost", InetAddress.getLoopbackAddress(), port, session));
  }

  /** How many sessions are open now. */
  int open() {
    return sessions.size() - ended.get();
  }

  /** Closes every session at once and stops the event loops (at most ten seconds). */
  @Override
  public void close() throws InterruptedException {
    for (StompClientSession s : sessions) {
      if (s.channel() != null) {
        s.channel().eventLoop().execute(s::closeNow);
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}

package org.ovirt.vdsm.messaging.stomp.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * Makes outgoing STOMP connections: TCP with {@code TCP_NODELAY} and keep-alive, TLS when a context
 * is given (the handler made for the peer's name and port, so a client context that verifies host
 * names checks the peer's certificate against it; handshake bounded by the connect timeout), the
 * flush merger (the flushes of requests written in one run of the loop's tasks become one), the
 * frame decoder with its limits, the encoder, and the {@link StompClientSession} last. The session
 * reports a failed connect through {@link StompClientSession#connectFailed}.
 *
 * @param transport epoll or NIO
 * @param ssl the client TLS context, {@code null} for plain TCP (development and tests only)
 * @param limits frame limits for what the peer sends
 * @param connectTimeout bound of the TCP connect and of the TLS handshake each
 */
public record StompConnector(NettyTransport transport, SslContext ssl, StompDecoderLimits limits, Duration connectTimeout) {
  /** Pipeline name of the handler that merges flushes (Netty's {@code FlushConsolidationHandler}). */
  public static final String FLUSHES = "stomp-flushes";
  /** Flushes merged at most, so a burst of many requests still starts sending as it goes. */
  private static final int FLUSH_AT_MOST_EVERY = 64;

  public StompConnector {
    requireNonNull(transport, "transport");
    requireNonNull(limits, "limits");
    requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
  }

  /**
   * Opens a session with {@code peerName:port}, all of it within the connect timeout: resolves the
   * name on {@code resolver} (it may block: never on an event loop), connects on {@code loop}, and
   * ends the session as {@link SessionEnd.Reason#CONNECT_FAILED} when CONNECTED has not arrived in
   * time. {@code wanted} (asked on the loop) tells whether the attempt still matters; when it says
   * no, nothing more is done. Call on {@code loop}.
   *
   * @return the connect timer (cancel it once the session started)
   */
  public ScheduledFuture<?> open(EventLoop loop, Executor resolver, String peerName, int port,
      StompClientSession session, BooleanSupplier wanted) {
    requireNonNull(resolver, "resolver");
    requireNonNull(wanted, "wanted");
    long timeoutMs = connectTimeout.toMillis();
    ScheduledFuture<?> timer = loop.schedule(() -> {
      if (wanted.getAsBoolean() && !session.isConnected()) {
        String why = "timed out after " + timeoutMs + " ms";
        if (session.context() == null) {
          session.connectFailed(new ConnectException(why));
        } else {
          session.abort(SessionEnd.Reason.CONNECT_FAILED, why, null);
        }
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    try {
      resolver.execute(() -> {
        InetAddress address;
        try {
          address = InetAddress.getByName(peerName);
        } catch (UnknownHostException | SecurityException e) {
          onLoop(loop, () -> {
            if (wanted.getAsBoolean()) {
              session.connectFailed(new UnknownHostException("unknown host " + peerName));
            }
          });
          return;
        }
        onLoop(loop, () -> {
          if (wanted.getAsBoolean()) {
            connect(loop, peerName, address, port, session);
          }
        });
      });
    } catch (RejectedExecutionException e) {
      session.connectFailed(e);
    }
    return timer;
  }

  private static void onLoop(EventLoop loop, Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // the loop is shut down: nobody waits for this attempt any more
    }
  }

  /**
   * Connects {@code session} on {@code loop} to {@code address:port}; name resolution is the
   * caller's (it may block: never on an event loop).
   *
   * @param peerName the host name the peer's certificate must match (TLS), as the user gave it
   */
  public void connect(EventLoop loop, String peerName, InetAddress address, int port, StompClientSession session) {
    requireNonNull(loop, "loop");
    requireNonNull(peerName, "peerName");
    requireNonNull(address, "address");
    requireNonNull(session, "session");
    long timeoutMs = connectTimeout.toMillis();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (ssl != null) {
                      SslHandler tls = ssl.newHandler(ch.alloc(), peerName, port);
                      tls.setHandshakeTimeoutMillis(timeoutMs);
                      ch.pipeline().addLast("tls", tls);
                    }
                    // Requests are written by one loop task each; their flushes become one per run of the
                    // loop's task queue, so calls made together share TLS records and send calls.
                    ch.pipeline().addLast(FLUSHES, new FlushConsolidationHandler(FLUSH_AT_MOST_EVERY, true));
                    ch.pipeline().addLast(StompClientSession.DECODER, new StompFrameDecoder(limits));
                    ch.pipeline().addLast(StompClientSession.ENCODER, StompFrameEncoder.INSTANCE);
                    ch.pipeline().addLast(StompClientSession.SESSION, session);
                  }
                });
    bootstrap.connect(new InetSocketAddress(address, port)).addListener(f -> {
      if (!f.isSuccess()) {
        session.connectFailed(f.cause());
      }
    });
  }
}

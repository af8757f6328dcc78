package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's story in the log, for operators: at INFO, when its protocol is known, the peer,
 * the protocol, the TLS version and cipher and the client certificate's subject; and when it
 * closes, how long it lasted and why (closed by the peer, by the server, or an error). Connections
 * that never got as far as a protocol (scans, resets, failed handshakes, which protocol detection
 * reports itself) are logged at DEBUG only. INFO lines go through one shared {@link RateLimitedLog}
 * (twenty lines of each kind a second), so a storm of connections is summarised instead of flooding
 * the log.
 *
 * <p>Sits after protocol detection in the pipeline (so it sees the handshake's outcome and the
 * transport's errors) and before the protocol's own handlers (so it sees their closes).
 */
final class ConnectionLogger extends ChannelDuplexHandler {
  /** This handler's name in the pipeline. */
  static final String NAME = "connection-log";

  /** The lines of all connections of a server: twenty of each kind a second, the rest summarised. */
  static RateLimitedLog sharedLog() {
    return new RateLimitedLog(log, 20, Duration.ofSeconds(1));
  }

  private static final Logger log = LoggerFactory.getLogger(ConnectionLogger.class);

  private final RateLimitedLog budget;
  private final long openedNanos = System.nanoTime();
  private String protocol;
  private String tls;
  private String closeReason;

  ConnectionLogger(RateLimitedLog budget) {
    this.budget = requireNonNull(budget, "budget");
  }

  /** Records that {@code pipeline}'s connection speaks {@code name}, and logs the connection. */
  static void detected(ChannelPipeline pipeline, String name) {
    ConnectionLogger logger = pipeline.get(ConnectionLogger.class);
    if (logger != null) {
      logger.protocol = name;
      SocketAddress peer = pipeline.channel().remoteAddress();
      logger.budget.info("{} connected: {}{}", peer, name, logger.tls == null ? " over plain TCP" : " over " + logger.tls);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    log.debug("{} accepted", ctx.channel().remoteAddress());
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      if (ssl != null) {
        tls = describe(ssl.engine().getSession());
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (closeReason == null) {
      closeReason = "error: " + rootMessage(cause);
    }
    super.exceptionCaught(ctx, cause);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    if (closeReason == null) {
      closeReason = "closed by the server";
    }
    super.close(ctx, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Duration lasted = Duration.ofNanos(System.nanoTime() - openedNanos);
    String why = closeReason != null ? closeReason : "closed by the peer";
    if (protocol != null) {
      budget.info("{} disconnected after {} ({}): {}", ctx.channel().remoteAddress(), format(lasted), protocol, why);
    } else {
      log.debug("{} closed before any protocol after {}: {}", ctx.channel().remoteAddress(), format(lasted), why);
    }
    super.channelInactive(ctx);
  }

  private static String describe(SSLSession session) {
    String subject;
    try {
      Certificate[] peer = session.getPeerCertificates();
      subject = peer.length > 0 && peer[0] instanceof X509Certificate x509
          ? x509.getSubjectX500Principal().getName()
          : "unknown";
    } catch (SSLPeerUnverifiedException e) {
      subject = "none";
    }
    return session.getProtocol() + " " + session.getCipherSuite() + ", client certificate " + subject;
  }

  private static String format(Duration d) {
    return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }
}

package org.ovirt.vdsm.messaging.server.guard;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every accepted connection: counts it against the connection limits of
 * {@link ServerBudgets} and closes it at once, before a byte is read or a TLS handshake is spent on
 * it, when it would pass one; the refusal is logged (rate limited). Shared by all connections of a
 * server.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  /** Pipeline name of this handler. */
  public static final String NAME = "connection-limit";

  private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(ConnectionLimiter.class));

  private final ServerBudgets budgets;

  public ConnectionLimiter(ServerBudgets budgets) {
    this.budgets = requireNonNull(budgets, "budgets");
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetAddress address = addressOf(ctx.channel().remoteAddress());
    String refused = address == null ? null : budgets.acquireConnection(address);
    if (refused != null) {
      log.warn("refusing a connection from {}: {}", ctx.channel().remoteAddress(), refused);
      ctx.close();
      return;
    }
    if (address != null) {
      ctx.channel().closeFuture().addListener(f -> budgets.releaseConnection(address));
    }
    super.channelActive(ctx);
  }

  private static InetAddress addressOf(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }
}

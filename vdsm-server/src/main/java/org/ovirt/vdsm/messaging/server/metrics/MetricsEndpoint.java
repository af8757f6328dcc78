package org.ovirt.vdsm.messaging.server.metrics;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.ovirt.vdsm.messaging.transport.NettyTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in HTTP port of the host's metrics: {@code GET /metrics} in Prometheus text format (see
 * {@link MetricsHttpHandler}), nothing else. Bounded like the main port: one request per
 * connection, a request line of at most {@value #MAX_LINE} bytes and headers of at most {@value
 * #MAX_HEADERS} bytes, {@value #READ_TIMEOUT_SECONDS} s to send the request, at most {@value
 * #MAX_CONNECTIONS} connections at once (more are closed at accept); one thread of its own.
 */
public final class MetricsEndpoint implements AutoCloseable {
  static final int MAX_LINE = 4096;
  static final int MAX_HEADERS = 8192;
  static final int READ_TIMEOUT_SECONDS = 10;
  static final int MAX_CONNECTIONS = 16;

  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final EventLoopGroup group;
  private final Channel server;

  private MetricsEndpoint(EventLoopGroup group, Channel server) {
    this.group = group;
    this.server = server;
  }

  /**
   * Listens on {@code address} and serves what {@code scrape} returns at each request.
   *
   * @throws IOException when the address cannot be bound
   */
  public static MetricsEndpoint start(InetSocketAddress address, Supplier<String> scrape) throws IOException {
    requireNonNull(address, "address");
    MetricsHttpHandler handler = new MetricsHttpHandler(scrape);
    ConnectionCap cap = new ConnectionCap();
    NettyTransport transport = NettyTransport.best();
    EventLoopGroup group = transport.newGroup(1, "vdsm-metrics", true);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("cap", cap)
                .addLast("read-timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .addLast("http", new HttpServerCodec(MAX_LINE, MAX_HEADERS, 8192))
                .addLast("metrics", handler);
          }
        });
    try {
      Channel server = bootstrap.bind(address).syncUninterruptibly().channel();
      MetricsEndpoint endpoint = new MetricsEndpoint(group, server);
      log.info("metrics on http://{}{}", hostPort(endpoint.address()), MetricsHttpHandler.PATH);
      return endpoint;
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("cannot listen on " + hostPort(address) + " for metrics: " + e.getMessage(), e);
    }
  }

  /** The address bound (its real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** {@code http://HOST:PORT/metrics} of the bound address. */
  public String url() {
    return "http://" + hostPort(address()) + MetricsHttpHandler.PATH;
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Stops listening, closes every connection and the thread. */
  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Closes a connection at accept when {@value #MAX_CONNECTIONS} are open. */
  @ChannelHandler.Sharable
  private static final class ConnectionCap extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open = new AtomicInteger();

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (open.incrementAndGet() > MAX_CONNECTIONS) {
        open.decrementAndGet();
        ctx.close();
        return;
      }
      ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
      super.channelActive(ctx);
    }
  }
}

package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A TLS echo server on 127.0.0.1 and a client that connects to it, sends a few bytes and collects
 * the echo; every wait has a deadline and every buffer is released.
 */
final class TlsLoopback implements AutoCloseable {

  /** The deadline of every single wait. */
  static final Duration WAIT = Duration.ofSeconds(10);

  /** What one connection attempt did, on both sides. */
  record Outcome(
      Throwable clientFailure,
      String clientProtocol,
      Throwable serverFailure,
      String serverProtocol,
      X509Certificate clientCertificateSeenByServer,
      byte[] echoed) {

    boolean succeeded() {
      return clientFailure == null && serverFailure == null;
    }
  }

  private record ServerResult(Throwable failure, String protocol, X509Certificate peer) {}

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final BlockingQueue<ServerResult> serverResults = new LinkedBlockingQueue<>();
  private final Channel server;

  TlsLoopback(SslContext serverContext) throws Exception {
    requireNonNull(serverContext, "serverContext");
    try {
      ChannelFuture bind =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      SslHandler tls = TlsContexts.newServerHandler(serverContext, ch.alloc());
                      tls.handshakeFuture().addListener(f -> serverResults.add(result(tls, f)));
                      ch.pipeline().addLast(tls, new Echo());
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0));
      await(bind, "bind");
      if (!bind.isSuccess()) {
        throw new IllegalStateException("bind failed", bind.cause());
      }
      server = bind.channel();
    } catch (Exception | Error e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis());
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Connects to the server as {@code peerHost} (the name the client verifies), sends {@code
   * payload}.
   */
  Outcome exchange(SslContext clientContext, String peerHost, byte[] payload) throws Exception {
    Collector collector = new Collector(payload.length);
    SslHandler[] tls = new SslHandler[1];
    ChannelFuture connect =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) WAIT.toMillis())
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    tls[0] =
                        TlsContexts.newClientHandler(clientContext, ch.alloc(), peerHost, port());
                    ch.pipeline().addLast(tls[0], collector);
                  }
                })
            .connect(new InetSocketAddress("127.0.0.1", port()));
    await(connect, "connect");
    if (!connect.isSuccess()) {
      throw new IllegalStateException("connect failed", connect.cause());
    }
    Channel channel = connect.channel();
    try {
      Future<Channel> handshake = tls[0].handshakeFuture();
      await(handshake, "client handshake");
      Throwable clientFailure = handshake.cause();
      String clientProtocol = null;
      if (handshake.isSuccess()) {
        clientProtocol = tls[0].engine().getSession().getProtocol();
        channel.writeAndFlush(Unpooled.wrappedBuffer(payload));
        // Either the echo arrives or the server closes (a refused client certificate in TLS 1.3 is
        // only reported after the client's handshake completed).
        try {
          CompletableFuture.anyOf(collector.complete, collector.closed)
              .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          throw new AssertionError("neither echo nor close within " + WAIT, e);
        }
        if (!collector.complete.isDone() && collector.failure != null) {
          clientFailure = collector.failure;
        }
      }
      ServerResult serverResult = serverResults.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (serverResult == null) {
        throw new AssertionError("no server handshake result within " + WAIT);
      }
      return new Outcome(
          clientFailure,
          clientProtocol,
          serverResult.failure,
          serverResult.protocol,
          serverResult.peer,
          collector.bytes());
    } finally {
      channel.close();
      await(channel.closeFuture(), "client close");
    }
  }

  private static ServerResult result(SslHandler tls, Future<?> handshake) {
    if (!handshake.isSuccess()) {
      return new ServerResult(handshake.cause(), null, null);
    }
    try {
      return new ServerResult(
          null,
          tls.engine().getSession().getProtocol(),
          (X509Certificate) tls.engine().getSession().getPeerCertificates()[0]);
    } catch (Exception e) {
      return new ServerResult(e, null, null);
    }
  }

  static void await(Future<?> future, String what) throws InterruptedException {
    if (!future.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(what + " not done within " + WAIT);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
      await(server.closeFuture(), "server close");
    } finally {
      await(group.shutdownGracefully(0, 1, TimeUnit.SECONDS), "event loop shutdown");
    }
  }

  /** Writes back what it reads; on any error closes the connection. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg); // ownership passes to the write
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Collects what the client receives, releasing every buffer. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    private final int expected;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final CompletableFuture<Void> complete = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    volatile Throwable failure;

    Collector(int expected) {
      this.expected = expected;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        ByteBuf buf = (ByteBuf) msg;
        synchronized (received) {
          byte[] bytes = new byte[buf.readableBytes()];
          buf.readBytes(bytes);
          received.writeBytes(bytes);
          if (received.size() >= expected) {
            complete.complete(null);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed.complete(null);
    }

    byte[] bytes() {
      synchronized (received) {
        return received.toByteArray();
      }
    }
  }
}

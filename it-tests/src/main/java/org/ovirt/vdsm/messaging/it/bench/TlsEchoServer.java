package org.ovirt.vdsm.messaging.it.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * The server half of the ceiling ({@link TlsEcho}): answers every length-prefixed message with one
 * of {@code responseBytes}, writing the answers of a read and flushing once at read-complete, as a
 * Netty server does. Runs in the benchmark JVM, or in a process of its own ({@link #main}).
 */
final class TlsEchoServer implements AutoCloseable {
  private final EventLoopGroup group = NettyTransport.best().newGroup(0, "bench-echo-server", true);
  private final Channel server;

  TlsEchoServer(PkiLayout pki, int responseBytes) throws Exception {
    SslContext tls = TlsContexts.server(pki);
    byte[] response = new byte[responseBytes];
    server = new ServerBootstrap().group(group).channel(NettyTransport.best().serverChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc()),
                new LengthFieldBasedFrameDecoder(64 << 20, 0, 4, 0, 4), new LengthFieldPrepender(4),
                new SimpleChannelInboundHandler<ByteBuf>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                    ctx.write(ctx.alloc().buffer(response.length).writeBytes(response), ctx.voidPromise());
                  }

                  @Override
                  public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.flush();
                    ctx.fireChannelReadComplete();
                  }
                });
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /**
   * The echo server as a process of its own: arguments the PKI directory and the answer size;
   * prints {@code tls echo listening on 127.0.0.1:PORT} once bound and runs until killed.
   */
  public static void main(String[] args) throws Exception {
    try (TlsEchoServer echo = new TlsEchoServer(new PkiLayout(Path.of(args[0])), Integer.parseInt(args[1]))) {
      System.out.println("tls echo listening on 127.0.0.1:" + echo.port());
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }
}

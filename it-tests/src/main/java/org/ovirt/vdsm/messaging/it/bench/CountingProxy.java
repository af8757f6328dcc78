package org.ovirt.vdsm.messaging.it.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/** A loopback TCP proxy that counts the bytes it forwards each way (TLS records included). */
final class CountingProxy implements AutoCloseable {
  final AtomicLong toServer = new AtomicLong();
  final AtomicLong toClient = new AtomicLong();
  private final EventLoopGroup group = NettyTransport.best().newGroup(1, "bench-proxy", true);
  private final Channel listener;

  CountingProxy(InetSocketAddress target) {
    NettyTransport t = NettyTransport.best();
    listener = new ServerBootstrap().group(group).channel(t.serverChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel inbound) {
            Channel outbound = new Bootstrap().group(inbound.eventLoop()).channel(t.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Relay(inbound, toClient))
                .connect(target).addListener(f -> inbound.config().setAutoRead(true)).channel();
            inbound.pipeline().addLast(new Relay(outbound, toServer));
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  void reset() {
    toServer.set(0);
    toClient.set(0);
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final AtomicLong counter;

    Relay(Channel peer, AtomicLong counter) {
      this.peer = peer;
      this.counter = counter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      counter.addAndGet(((ByteBuf) msg).readableBytes());
      peer.writeAndFlush(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}

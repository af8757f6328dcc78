package org.ovirt.vdsm.messaging.it.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;

/** A minimal STOMP subscriber that counts the MESSAGE frames it receives on one destination. */
final class StompProbe implements AutoCloseable {
  final AtomicLong messages = new AtomicLong();
  private final Channel channel;
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();

  StompProbe(EventLoopGroup group, SslContext tls, String host, int port, String destination) throws Exception {
    channel = new Bootstrap().group(group).channel(org.ovirt.vdsm.messaging.transport.NettyTransport.best().socketChannel())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port), new StompFrameDecoder(), new StompFrameEncoder(),
                new SimpleChannelInboundHandler<StompFrame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, StompFrame f) {
                    if (f.command() == StompCommand.MESSAGE) {
                      messages.incrementAndGet();
                    } else if (f.command() == StompCommand.RECEIPT) {
                      subscribed.complete(null);
                    } else if (f.command() == StompCommand.ERROR) {
                      subscribed.completeExceptionally(new IllegalStateException(f.header(StompHeaders.MESSAGE)));
                    }
                  }
                });
          }
        })
        .connect(host, port).sync().channel();
    channel.write(StompFrame.builder(StompCommand.CONNECT).header(StompHeaders.ACCEPT_VERSION, "1.2")
        .header(StompHeaders.HOST, host).build());
    channel.writeAndFlush(StompFrame.builder(StompCommand.SUBSCRIBE).header(StompHeaders.ID, "probe")
        .header(StompHeaders.DESTINATION, destination).header(StompHeaders.RECEIPT, "subscribed").build());
    subscribed.get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}

package org.ovirt.vdsm.messaging.it.bench;

import io.netty.bootstrap.Bootstrap;
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
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * The ceiling: a raw Netty echo over the same mutual TLS, length-prefixed messages of the same
 * sizes as the STOMP frames, answered in order on one connection. No STOMP, no JSON, no dispatch.
 * It pipelines as a real Netty server does: the server ({@link TlsEchoServer}, in this JVM or in a
 * process of its own) writes every answer of a read and flushes once at read-complete; the client
 * writes every call made since its last flush and flushes once.
 */
final class TlsEcho implements AutoCloseable {
  private final TlsEchoServer ownServer;
  private final EventLoopGroup clientGroup = NettyTransport.best().newGroup(1, "bench-echo-client", true);
  private final Channel client;
  /** Event-loop confined: calls written, in order, waiting for their echo. */
  private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  /** Calls made, not yet written (bounded by the callers' own in-flight limit). */
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> calls = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainQueued = new AtomicBoolean();
  private final byte[] request;

  /** An echo with its server in this JVM. */
  TlsEcho(PkiLayout pki, int requestBytes, int responseBytes) throws Exception {
    this(pki, requestBytes, new TlsEchoServer(pki, responseBytes));
  }

  private TlsEcho(PkiLayout pki, int requestBytes, TlsEchoServer server) throws Exception {
    this(pki, requestBytes, server.port(), server);
  }

  /** An echo client of the server listening on {@code port} of 127.0.0.1 (another process). */
  TlsEcho(PkiLayout pki, int requestBytes, int port, TlsEchoServer ownServer) throws Exception {
    this.ownServer = ownServer;
    SslContext clientTls = TlsContexts.client(pki, true);
    request = new byte[requestBytes];
    client = new Bootstrap().group(clientGroup).channel(NettyTransport.best().socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(clientTls.newHandler(ch.alloc(), "localhost", port),
                new LengthFieldBasedFrameDecoder(64 << 20, 0, 4, 0, 4), new LengthFieldPrepender(4),
                new SimpleChannelInboundHandler<ByteBuf>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                    waiting.poll().complete(null);
                  }
                });
          }
        })
        .connect("localhost", port).sync().channel();
  }

  /** Sends one request; completes when its echo arrives. */
  CompletableFuture<Void> call() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    calls.add(done);
    if (drainQueued.compareAndSet(false, true)) {
      client.eventLoop().execute(this::drain);
    }
    return done;
  }

  /** On the client's loop: writes every call made since the last drain, one flush for all. */
  private void drain() {
    drainQueued.set(false);
    boolean wrote = false;
    for (CompletableFuture<Void> done; (done = calls.poll()) != null; ) {
      waiting.add(done);
      client.write(client.alloc().buffer(request.length).writeBytes(request), client.voidPromise());
      wrote = true;
    }
    if (wrote) {
      client.flush();
    }
  }

  @Override
  public void close() {
    client.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (ownServer != null) {
      ownServer.close();
    }
  }
}

package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * A deliberately small STOMP 1.2 client for broker tests: common's frame codec on a Netty channel
 * over mutual TLS to 127.0.0.1, CONNECT with {@code host:/} and heart-beats {@value #HEART_BEAT},
 * SUBSCRIBE and SEND each confirmed by a RECEIPT, MESSAGE frames queued for the test (bounded).
 * Every wait has a deadline. Not engine-client: the point is to see what the broker does.
 */
final class StompTestClient implements AutoCloseable {

  /**
   * The heart-beat this client offers: send and expect one every 2 s; a peer silent for three
   * intervals is dead (margin for a loaded 2-core CI machine).
   */
  static final String HEART_BEAT = "2000,2000";

  private static final int MAX_QUEUED_MESSAGES = 1024;

  private final EventLoopGroup group;
  private final Channel channel;
  private final Inbound inbound;
  private final Duration deadline;
  private final AtomicInteger receipts = new AtomicInteger();

  private StompTestClient(EventLoopGroup group, Channel channel, Inbound inbound, Duration deadline) {
    this.group = group;
    this.channel = channel;
    this.inbound = inbound;
    this.deadline = deadline;
  }

  /**
   * Connects over TLS with {@code tls} to 127.0.0.1:{@code port}, sends CONNECT and waits for
   * CONNECTED; every later wait of this client uses {@code deadline} too.
   *
   * @throws IOException if the connection, the handshake or the STOMP CONNECT fails (an ERROR frame
   *     or a close before CONNECTED), or does not finish within {@code deadline}
   */
  static StompTestClient connect(SslContext tls, int port, Duration deadline) throws IOException {
    requireNonNull(tls, "tls");
    requireNonNull(deadline, "deadline");
    NettyTransport transport = NettyTransport.best();
    EventLoopGroup group = transport.newGroup(1, "stomp-test-client", true);
    Inbound inbound = new Inbound();
    try {
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(transport.socketChannel())
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) deadline.toMillis())
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(
                              "tls",
                              TlsContexts.newClientHandler(
                                  tls, ch.alloc(), LoopbackPorts.HOST, port))
                          .addLast("stomp-decoder", new StompFrameDecoder())
                          .addLast("stomp-encoder", new StompFrameEncoder())
                          .addLast("inbound", inbound);
                    }
                  })
              .connect(LoopbackPorts.HOST, port)
              .syncUninterruptibly()
              .channel();
      StompTestClient client = new StompTestClient(group, channel, inbound, deadline);
      client.handshake();
      return client;
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e instanceof IOException io ? io : new IOException("cannot connect: " + e, e);
    }
  }

  private void handshake() throws IOException {
    channel.writeAndFlush(
        StompFrame.builder(StompCommand.CONNECT)
            .header(StompHeaders.ACCEPT_VERSION, "1.2")
            .header(StompHeaders.HOST, "/")
            .header(StompHeaders.HEART_BEAT, HEART_BEAT)
            .build());
    StompFrame connected = await(inbound.connected, "CONNECTED");
    HeartBeat.Negotiated negotiated =
        HeartBeat.negotiate(
            HeartBeat.parse(HEART_BEAT),
            HeartBeat.parse(connected.findHeader(StompHeaders.HEART_BEAT).orElse("0,0")));
    channel
        .pipeline()
        .addBefore(
            "stomp-decoder", StompHeartBeatHandler.NAME, new StompHeartBeatHandler(negotiated, 3.0));
  }

  /** The CONNECTED frame the broker answered with. */
  StompFrame connected() {
    return inbound.connected.getNow(null);
  }

  /** SUBSCRIBE {@code destination} as subscription {@code id} (ack auto); waits for the receipt. */
  void subscribe(String id, String destination) throws IOException {
    subscribe(id, destination, Map.of());
  }

  /** SUBSCRIBE with extra headers; waits for the receipt. */
  void subscribe(String id, String destination, Map<String, String> headers) throws IOException {
    StompFrame.Builder frame =
        StompFrame.builder(StompCommand.SUBSCRIBE)
            .header(StompHeaders.DESTINATION, destination)
            .header("id", id)
            .header("ack", "auto");
    headers.forEach(frame::header);
    request(frame);
  }

  /** SEND a UTF-8 body with {@code headers} (in map order) to {@code destination}; waits for the receipt. */
  void send(String destination, Map<String, String> headers, String body) throws IOException {
    StompFrame.Builder frame =
        StompFrame.builder(StompCommand.SEND).header(StompHeaders.DESTINATION, destination);
    headers.forEach(frame::header);
    frame
        .header(StompHeaders.CONTENT_TYPE, "application/json")
        .body(body.getBytes(StandardCharsets.UTF_8));
    request(frame);
  }

  /** The next MESSAGE frame; fails when none arrives within the client's deadline. */
  StompFrame nextMessage() throws IOException {
    return pollMessage(deadline)
        .orElseThrow(() -> new IOException("no MESSAGE within " + deadline + failureNote()));
  }

  /** The next MESSAGE frame within {@code wait}, if any. */
  Optional<StompFrame> pollMessage(Duration wait) throws IOException {
    try {
      return Optional.ofNullable(inbound.messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The first ERROR frame the broker sent, if any. */
  Optional<StompFrame> error() {
    return Optional.ofNullable(inbound.error.get());
  }

  /** Waits until the connection is closed; returns whether it closed within {@code wait}. */
  boolean awaitClosed(Duration wait) {
    return channel.closeFuture().awaitUninterruptibly(wait.toMillis());
  }

  /** Whether the connection is open. */
  boolean isOpen() {
    return channel.isActive();
  }

  private void request(StompFrame.Builder frame) throws IOException {
    String id = "r-" + receipts.incrementAndGet();
    CompletableFuture<StompFrame> receipt = inbound.expectReceipt(id);
    channel.writeAndFlush(frame.header(StompHeaders.RECEIPT, id).build());
    await(receipt, "RECEIPT " + id);
  }

  private <T> T await(CompletableFuture<T> future, String what) throws IOException {
    try {
      return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("no " + what + " within " + deadline + failureNote(), e);
    } catch (ExecutionException e) {
      throw new IOException("no " + what + ": " + e.getCause().getMessage() + failureNote(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + what, e);
    }
  }

  private String failureNote() {
    StompFrame error = inbound.error.get();
    return error == null ? "" : " (ERROR " + error.header("message") + ")";
  }

  /** DISCONNECT with a receipt (bounded wait), then close the channel and the event loop. */
  @Override
  public void close() {
    try {
      if (channel.isActive()) {
        String id = "bye-" + receipts.incrementAndGet();
        CompletableFuture<StompFrame> receipt = inbound.expectReceipt(id);
        channel.writeAndFlush(
            StompFrame.builder(StompCommand.DISCONNECT).header(StompHeaders.RECEIPT, id).build());
        receipt.get(Math.min(deadline.toMillis(), 2000), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      // The broker may close first; closing is what matters.
    } finally {
      channel.close().awaitUninterruptibly(2000);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }
  }

  /** Sorts what the broker sends: CONNECTED, RECEIPTs, MESSAGEs, ERROR, and the close. */
  private static final class Inbound extends SimpleChannelInboundHandler<StompFrame> {
    final CompletableFuture<StompFrame> connected = new CompletableFuture<>();
    final Map<String, CompletableFuture<StompFrame>> receipts = new ConcurrentHashMap<>();
    final BlockingQueue<StompFrame> messages = new LinkedBlockingQueue<>(MAX_QUEUED_MESSAGES);
    final AtomicReference<StompFrame> error = new AtomicReference<>();

    CompletableFuture<StompFrame> expectReceipt(String id) {
      CompletableFuture<StompFrame> future = new CompletableFuture<>();
      receipts.put(id, future);
      return future;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, StompFrame frame) {
      switch (frame.command()) {
        case CONNECTED -> connected.complete(frame);
        case RECEIPT -> {
          CompletableFuture<StompFrame> receipt =
              receipts.remove(String.valueOf(frame.header(StompHeaders.RECEIPT_ID)));
          if (receipt != null) {
            receipt.complete(frame);
          }
        }
        case MESSAGE -> {
          if (!messages.offer(frame)) {
            fail(new IOException("more than " + MAX_QUEUED_MESSAGES + " unread messages"));
            ctx.close();
          }
        }
        case ERROR -> {
          error.compareAndSet(null, frame);
          fail(new IOException("ERROR " + frame.header("message")));
        }
        default -> fail(new IOException("unexpected " + frame.command()));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(new IOException("connection closed"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause instanceof IOException io ? io : new IOException(cause.toString(), cause));
      ctx.close();
    }

    private void fail(IOException cause) {
      connected.completeExceptionally(cause);
      receipts.values().forEach(receipt -> receipt.completeExceptionally(cause));
    }
  }
}

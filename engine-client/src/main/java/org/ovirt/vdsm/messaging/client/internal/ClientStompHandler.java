package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine side of one STOMP connection to a host: CONNECT, the subscription to responses,
 * heart-beats, and the calls in flight (matched by id, failed on timeout or when the connection
 * goes). Answers are parsed on the parser executor, never on the I/O thread.
 */
public final class ClientStompHandler extends SimpleChannelInboundHandler<StompFrame> {
  private static final Logger log = LoggerFactory.getLogger(ClientStompHandler.class);

  /** Pipeline name of the frame decoder (the heart-beat handler goes right before it). */
  public static final String DECODER = "stomp-decoder";

  /** The heart-beat grace factor: a host silent for 1.5 negotiated intervals is dead. */
  private static final double GRACE = 1.5;

  private final String name;
  private final String hostHeader;
  private final HeartBeat heartBeat;
  private final String responses;
  private final Executor parsers;
  private final String subscriptionId = UUID.randomUUID().toString();
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final Map<String, CompletableFuture<Boolean>> receipts = new ConcurrentHashMap<>();
  private final Map<JsonRpcId, Pending> pending = new ConcurrentHashMap<>();

  private volatile Channel channel;
  private volatile String failureReason;

  private record Pending(CompletableFuture<JsonElement> future, ScheduledFuture<?> timeout) {}

  /**
   * @param name {@code host:port}, for messages
   * @param hostHeader the value of CONNECT's {@code host} header
   * @param heartBeat what to offer in CONNECT
   * @param responses the destination to subscribe to for answers
   * @param parsers where answers are parsed and futures completed
   */
  public ClientStompHandler(String name, String hostHeader, HeartBeat heartBeat, String responses, Executor parsers) {
    this.name = requireNonNull(name, "name");
    this.hostHeader = requireNonNull(hostHeader, "hostHeader");
    this.heartBeat = requireNonNull(heartBeat, "heartBeat");
    this.responses = requireNonNull(responses, "responses");
    this.parsers = requireNonNull(parsers, "parsers");
  }

  /** Completes once CONNECTED arrived and the response subscription is written. */
  public CompletableFuture<Void> connected() {
    return connected;
  }

  /** How many calls are waiting for an answer. */
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    channel = ctx.channel();
    ctx.writeAndFlush(
        StompFrame.builder(StompCommand.CONNECT)
            .header(StompHeaders.ACCEPT_VERSION, "1.2")
            .header(StompHeaders.HOST, hostHeader)
            .header(StompHeaders.HEART_BEAT, heartBeat.format())
            .build());
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, StompFrame frame) {
    switch (frame.command()) {
      case CONNECTED -> onConnected(ctx, frame);
      case MESSAGE -> {
        byte[] body = frame.body();
        parsers.execute(() -> onAnswer(body));
      }
      case RECEIPT -> {
        CompletableFuture<Boolean> r = receipts.remove(String.valueOf(frame.header(StompHeaders.RECEIPT_ID)));
        if (r != null) {
          r.complete(true);
        }
      }
      case ERROR -> {
        failureReason = "the host sent ERROR: " + frame.header(StompHeaders.MESSAGE);
        log.warn("{}: {} {}", name, failureReason, frame.bodyAsString());
        ctx.close();
      }
      default -> log.warn("{}: ignoring unexpected {} frame", name, frame.command());
    }
  }

  private void onConnected(ChannelHandlerContext ctx, StompFrame frame) {
    HeartBeat host;
    try {
      host = HeartBeat.parse(frame.header(StompHeaders.HEART_BEAT));
    } catch (IllegalArgumentException e) {
      failureReason = "the host sent a malformed heart-beat: " + e.getMessage();
      ctx.close();
      return;
    }
    HeartBeat.Negotiated negotiated = HeartBeat.negotiate(heartBeat, host);
    if (negotiated.sendMs() > 0 || negotiated.receiveMs() > 0) {
      ctx.pipeline().addBefore(DECODER, StompHeartBeatHandler.NAME, new StompHeartBeatHandler(negotiated, GRACE));
    }
    ctx.writeAndFlush(
            StompFrame.builder(StompCommand.SUBSCRIBE)
                .header(StompHeaders.DESTINATION, responses)
                .header(StompHeaders.ID, subscriptionId)
                .header(StompHeaders.ACK, "auto")
                .build())
        .addListener(f -> {
          if (f.isSuccess()) {
            connected.complete(null);
          }
        });
    log.debug("{}: connected, heart-beat {}", name, negotiated);
  }

  /**
   * Sends a request and returns the future of its answer.
   *
   * @param id the request's id (unique among this connection's pending calls)
   * @param encoded the request body
   * @param destination where to send it
   * @param timeout the call's deadline
   * @param flowId the flow id, or {@code null}
   */
  public CompletableFuture<JsonElement> call(
      JsonRpcId id, byte[] encoded, String destination, Duration timeout, String flowId) {
    CompletableFuture<JsonElement> future = new CompletableFuture<>();
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      future.completeExceptionally(new ConnectionLostException(lostMessage(), null));
      return future;
    }
    ScheduledFuture<?> timer =
        ch.eventLoop()
            .schedule(
                () -> {
                  Pending p = pending.remove(id);
                  if (p != null) {
                    p.future.completeExceptionally(
                        new CallTimeoutException("no answer from " + name + " within " + timeout.toMillis() + " ms (id " + id + ")"));
                  }
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    if (pending.putIfAbsent(id, new Pending(future, timer)) != null) {
      timer.cancel(false);
      future.completeExceptionally(new IllegalArgumentException("id in use: " + id));
      return future;
    }
    StompFrame.Builder send =
        StompFrame.builder(StompCommand.SEND)
            .header(StompHeaders.DESTINATION, destination)
            .header(StompHeaders.REPLY_TO, responses)
            .header(StompHeaders.CONTENT_TYPE, StompHeaders.APPLICATION_JSON);
    if (flowId != null) {
      send.header(StompHeaders.OVIRT_CORRELATION_ID, flowId);
    }
    ch.writeAndFlush(send.body(encoded).build())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(id, new ConnectionLostException("cannot send to " + name + ": " + f.cause().getMessage(), f.cause()));
              }
            });
    return future;
  }

  private void onAnswer(byte[] body) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    for (JsonRpcPayload.Item item : payload.items()) {
      if (item instanceof JsonRpcPayload.Invalid invalid) {
        log.warn("{}: unreadable answer: {}", name, invalid.error().message());
        continue;
      }
      JsonRpcMessage message = ((JsonRpcPayload.Valid) item).message();
      if (message instanceof JsonRpcResponse response) {
        complete(response);
      } else {
        log.debug("{}: ignoring a {} on the response destination", name, message.getClass().getSimpleName());
      }
    }
  }

  private void complete(JsonRpcResponse response) {
    JsonRpcId id = response.id();
    if (id.equals(JsonRpcId.NULL) && !pending.containsKey(id)) {
      if (pending.size() == 1) {
        id = pending.keySet().iterator().next();
      } else {
        log.error("{}: error for an unknown request (id null, {} calls in flight): {}",
            name, pending.size(), response.isSuccess() ? "success" : response.error().message());
        return;
      }
    }
    Pending p = pending.remove(id);
    if (p == null) {
      log.warn("{}: answer for {} arrived after its call ended", name, response.id());
      return;
    }
    p.timeout.cancel(false);
    if (response.isSuccess()) {
      p.future.complete(response.result());
    } else {
      p.future.completeExceptionally(new JsonRpcErrorException(response.error()));
    }
  }

  private void fail(JsonRpcId id, RuntimeException failure) {
    Pending p = pending.remove(id);
    if (p != null) {
      p.timeout.cancel(false);
      p.future.completeExceptionally(failure);
    }
  }

  /**
   * Sends UNSUBSCRIBE and DISCONNECT with a receipt; completes with {@code true} when the receipt
   * arrives, {@code false} when the connection closes first. The caller closes the channel.
   */
  public CompletableFuture<Boolean> disconnect() {
    Channel ch = channel;
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    if (ch == null || !ch.isActive()) {
      done.complete(false);
      return done;
    }
    String receipt = "disconnect-" + subscriptionId;
    receipts.put(receipt, done);
    ch.closeFuture().addListener(f -> done.complete(false));
    ch.write(
        StompFrame.builder(StompCommand.UNSUBSCRIBE).header(StompHeaders.ID, subscriptionId).build(),
        ch.voidPromise());
    ch.writeAndFlush(
        StompFrame.builder(StompCommand.DISCONNECT).header(StompHeaders.RECEIPT, receipt).build(),
        ch.voidPromise());
    return done;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == StompHeartBeatHandler.PEER_SILENT) {
      failureReason = "heart-beat lost: the host was silent for too long";
    } else if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      failureReason = "TLS handshake failed: " + rootMessage(handshake.cause());
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failureReason == null) {
      failureReason = rootMessage(cause);
    }
    log.debug("{}: connection failed", name, cause);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    ConnectionLostException lost = new ConnectionLostException(lostMessage(), null);
    connected.completeExceptionally(lost);
    for (JsonRpcId id : pending.keySet()) {
      fail(id, lost);
    }
    receipts.values().forEach(r -> r.complete(false));
    super.channelInactive(ctx);
  }

  private String lostMessage() {
    String reason = failureReason;
    return "connection to " + name + " closed" + (reason == null ? "" : ": " + reason);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}

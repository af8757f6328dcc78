package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.server.StompSettings;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.Destinations;
import org.ovirt.vdsm.messaging.server.broker.MessageSink;
import org.ovirt.vdsm.messaging.server.rpc.JsonRpcDispatcher;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's STOMP 1.2 session on the host: CONNECT/STOMP, SUBSCRIBE, UNSUBSCRIBE, SEND,
 * ACK/NACK, DISCONNECT and receipts. SEND to a request destination goes to the JSON-RPC
 * dispatcher, and its answer goes back as MESSAGE to this connection's subscription covering the
 * request's {@code reply-to}; SEND elsewhere is published on the broker.
 *
 * <p>A protocol error is answered with an ERROR frame and the connection is closed, in exactly one
 * place ({@link #errorThenClose}); "the server MUST then close the connection just after sending the
 * ERROR frame" (STOMP 1.2, ERROR).
 */
public final class StompServerHandler extends SimpleChannelInboundHandler<StompFrame> {
  private static final Logger log = LoggerFactory.getLogger(StompServerHandler.class);
  private static final AtomicLong SESSIONS = new AtomicLong();

  private final Broker broker;
  private final JsonRpcDispatcher dispatcher;
  private final StompSettings settings;
  private final String serverName;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final String sessionId = "session-" + SESSIONS.incrementAndGet();
  private final AtomicLong messageIds = new AtomicLong();

  private Channel channel;
  private boolean connected;
  private boolean closing;

  /** A subscription of this session: its id, its destination and how the broker reaches it. */
  private final class Subscription implements MessageSink {
    final String id;
    final String destination;

    Subscription(String id, String destination) {
      this.id = id;
      this.destination = destination;
    }

    @Override
    public void deliver(String sentTo, String contentType, byte[] body) {
      sendMessage(this, sentTo, contentType, body);
    }
  }

  public StompServerHandler(
      Broker broker, JsonRpcDispatcher dispatcher, StompSettings settings, String serverName) {
    this.broker = requireNonNull(broker, "broker");
    this.dispatcher = requireNonNull(dispatcher, "dispatcher");
    this.settings = requireNonNull(settings, "settings");
    this.serverName = requireNonNull(serverName, "serverName");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, StompFrame frame) {
    if (closing) {
      return;
    }
    switch (frame.command()) {
      case CONNECT, STOMP -> onConnect(ctx, frame);
      case SEND -> onSend(ctx, frame);
      case SUBSCRIBE -> onSubscribe(ctx, frame);
      case UNSUBSCRIBE -> onUnsubscribe(ctx, frame);
      case ACK, NACK -> receipt(ctx, frame); // auto acknowledgement: nothing is pending
      case DISCONNECT -> onDisconnect(ctx, frame);
      case BEGIN, COMMIT, ABORT ->
          errorThenClose(ctx, frame, "transactions are not supported", "This host does not support STOMP transactions.");
      default ->
          errorThenClose(ctx, frame, "unexpected frame", frame.command() + " is not a client frame.");
    }
  }

  private void onConnect(ChannelHandlerContext ctx, StompFrame frame) {
    if (connected) {
      errorThenClose(ctx, frame, "already connected", "The session is connected already.");
      return;
    }
    String accepted = frame.header(StompHeaders.ACCEPT_VERSION);
    if (accepted == null || Arrays.stream(accepted.split(",")).map(String::strip).noneMatch("1.2"::equals)) {
      StompFrame error =
          errorFrame(frame, "unsupported protocol version", "Supported protocol versions are 1.2")
              .header(StompHeaders.VERSION, "1.2")
              .build();
      errorThenClose(ctx, error);
      return;
    }
    HeartBeat client;
    try {
      client = HeartBeat.parse(frame.header(StompHeaders.HEART_BEAT));
    } catch (IllegalArgumentException e) {
      errorThenClose(ctx, frame, "malformed heart-beat header", e.getMessage());
      return;
    }
    HeartBeat reply = HeartBeat.vdsmServerReply(client);
    connected = true;
    ctx.writeAndFlush(
        StompFrame.builder(StompCommand.CONNECTED)
            .header(StompHeaders.VERSION, "1.2")
            .header(StompHeaders.HEART_BEAT, reply.format())
            .header(StompHeaders.SERVER, serverName)
            .header(StompHeaders.SESSION, sessionId)
            .build());
    HeartBeat.Negotiated negotiated = HeartBeat.negotiate(reply, client);
    if (negotiated.sendMs() > 0 || negotiated.receiveMs() > 0) {
      ctx.pipeline()
          .addBefore(
              StompServerPipeline.DECODER,
              StompHeartBeatHandler.NAME,
              new StompHeartBeatHandler(negotiated, settings.heartBeatGraceFactor()));
    }
    log.debug("{} connected ({}), heart-beat {}", channel.remoteAddress(), sessionId, negotiated);
  }

  private void onSend(ChannelHandlerContext ctx, StompFrame frame) {
    String destination = frame.header(StompHeaders.DESTINATION);
    if (destination == null || destination.isEmpty()) {
      errorThenClose(ctx, frame, "missing destination", "SEND needs a destination header.");
      return;
    }
    if (settings.requestDestinations().contains(destination)) {
      String replyTo = frame.findHeader(StompHeaders.REPLY_TO).orElse(settings.defaultReplyTo());
      String flowId = frame.header(StompHeaders.OVIRT_CORRELATION_ID);
      dispatcher.dispatch(frame.body(), flowId, answer -> reply(replyTo, answer));
    } else {
      broker.publish(destination, frame.header(StompHeaders.CONTENT_TYPE), frame.body());
    }
    receipt(ctx, frame);
  }

  /** Sends a JSON-RPC answer to this connection's subscription covering {@code replyTo}. */
  private void reply(String replyTo, byte[] answer) {
    channel.eventLoop().execute(() -> {
      for (Subscription s : subscriptions.values()) {
        if (Destinations.covers(s.destination, replyTo)) {
          sendMessage(s, replyTo, StompHeaders.APPLICATION_JSON, answer);
          return;
        }
      }
      if (channel.isActive()) {
        log.warn(
            "{}: dropping a response for {}: the connection has no subscription to it",
            channel.remoteAddress(),
            replyTo);
      }
    });
  }

  private void sendMessage(Subscription s, String destination, String contentType, byte[] body) {
    StompFrame.Builder message =
        StompFrame.builder(StompCommand.MESSAGE)
            .header(StompHeaders.DESTINATION, destination)
            .header(StompHeaders.SUBSCRIPTION, s.id)
            .header(StompHeaders.MESSAGE_ID, sessionId + "-" + messageIds.incrementAndGet());
    if (contentType != null) {
      message.header(StompHeaders.CONTENT_TYPE, contentType);
    }
    channel.writeAndFlush(message.body(body).build(), channel.voidPromise());
  }

  private void onSubscribe(ChannelHandlerContext ctx, StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    String destination = frame.header(StompHeaders.DESTINATION);
    if (id == null || destination == null || destination.isEmpty()) {
      errorThenClose(ctx, frame, "malformed SUBSCRIBE", "SUBSCRIBE needs id and destination headers.");
      return;
    }
    String ack = frame.findHeader(StompHeaders.ACK).orElse("auto");
    if (!ack.equals("auto") && !ack.equals("client") && !ack.equals("client-individual")) {
      errorThenClose(ctx, frame, "invalid ack mode", "ack must be auto, client or client-individual, not " + ack);
      return;
    }
    if (subscriptions.containsKey(id)) {
      errorThenClose(ctx, frame, "duplicate subscription id", "Subscription id " + id + " is in use on this connection.");
      return;
    }
    Subscription s = new Subscription(id, destination);
    subscriptions.put(id, s);
    broker.subscribe(destination, s);
    receipt(ctx, frame);
  }

  private void onUnsubscribe(ChannelHandlerContext ctx, StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    if (id == null) {
      errorThenClose(ctx, frame, "malformed UNSUBSCRIBE", "UNSUBSCRIBE needs an id header.");
      return;
    }
    Subscription s = subscriptions.remove(id);
    if (s != null) {
      broker.unsubscribe(s.destination, s);
    } else {
      log.debug("{}: UNSUBSCRIBE of unknown subscription {}", channel.remoteAddress(), id);
    }
    receipt(ctx, frame);
  }

  private void onDisconnect(ChannelHandlerContext ctx, StompFrame frame) {
    closing = true;
    String receipt = frame.header(StompHeaders.RECEIPT);
    if (receipt == null) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(
            StompFrame.builder(StompCommand.RECEIPT).header(StompHeaders.RECEIPT_ID, receipt).build())
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void receipt(ChannelHandlerContext ctx, StompFrame frame) {
    String receipt = frame.header(StompHeaders.RECEIPT);
    if (receipt != null) {
      ctx.writeAndFlush(
          StompFrame.builder(StompCommand.RECEIPT).header(StompHeaders.RECEIPT_ID, receipt).build(),
          ctx.voidPromise());
    }
  }

  private static StompFrame.Builder errorFrame(StompFrame cause, String message, String detail) {
    StompFrame.Builder error =
        StompFrame.builder(StompCommand.ERROR)
            .header(StompHeaders.MESSAGE, message)
            .header(StompHeaders.CONTENT_TYPE, "text/plain")
            .body(detail);
    if (cause != null && cause.header(StompHeaders.RECEIPT) != null) {
      error.header(StompHeaders.RECEIPT_ID, cause.header(StompHeaders.RECEIPT));
    }
    return error;
  }

  private void errorThenClose(ChannelHandlerContext ctx, StompFrame cause, String message, String detail) {
    errorThenClose(ctx, errorFrame(cause, message, detail).build());
  }

  /** The one place that answers a protocol error: ERROR, flushed, then close. */
  private void errorThenClose(ChannelHandlerContext ctx, StompFrame error) {
    if (closing) {
      return;
    }
    closing = true;
    log.info("{}: STOMP error, closing: {}", ctx.channel().remoteAddress(), error.header(StompHeaders.MESSAGE));
    ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      closing = true;
      log.info("{}: TLS handshake failed: {}", ctx.channel().remoteAddress(), rootMessage(handshake.cause()));
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof StompDecodeException decodeFailure) {
      errorThenClose(ctx, decodeFailure.toErrorFrame());
      return;
    }
    if (!closing) {
      log.info("{}: connection failed: {}", ctx.channel().remoteAddress(), rootMessage(cause));
      log.debug("connection failure", cause);
    }
    closing = true;
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    for (Subscription s : subscriptions.values()) {
      broker.unsubscribe(s.destination, s);
    }
    subscriptions.clear();
    log.debug("{} disconnected ({})", ctx.channel().remoteAddress(), sessionId);
    super.channelInactive(ctx);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}

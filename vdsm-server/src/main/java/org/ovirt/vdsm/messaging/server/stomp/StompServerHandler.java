package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.server.StompSettings;
import org.ovirt.vdsm.messaging.server.broker.AckMode;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.BrokerLimitException;
import org.ovirt.vdsm.messaging.server.broker.BrokerSession;
import org.ovirt.vdsm.messaging.server.broker.Destinations;
import org.ovirt.vdsm.messaging.server.broker.Message;
import org.ovirt.vdsm.messaging.server.broker.Subscription;
import org.ovirt.vdsm.messaging.server.guard.ServerBudgets;
import org.ovirt.vdsm.messaging.server.guard.SlowReaderGuard;
import org.ovirt.vdsm.messaging.server.rpc.ReplyTarget;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's STOMP 1.2 session on the host: CONNECT/STOMP, SUBSCRIBE, UNSUBSCRIBE, SEND, ACK,
 * NACK, BEGIN/COMMIT/ABORT, DISCONNECT and receipts. SEND to a request destination goes to the
 * {@link RpcEndpoint} with a {@link ReplyTarget} that sends the answer back as MESSAGE to this
 * connection's subscription covering the request's {@code reply-to} (never through a process-wide
 * map: two connections may use the same request id); SEND elsewhere goes through the {@link Broker}.
 *
 * <p>Liberal where real peers deviate: SUBSCRIBE or SEND before CONNECT are served, a raw {@code :}
 * in a CONNECT header value is kept, ACK and NACK never close the connection. A protocol error is
 * answered with an ERROR frame and the connection is closed, in exactly one place ({@link
 * #errorThenClose}): "the server MUST then close the connection just after sending the ERROR
 * frame" (STOMP 1.2, ERROR).
 *
 * <p>Outbound bytes not yet written are counted, per connection and against the server-wide
 * budget: past {@link StompSettings#maxPendingWriteBytes} broker messages to this connection are
 * dropped (answers to its own calls never are); past the server-wide budget the connection gets
 * ERROR and is closed. A peer that stops reading is cut by the {@link SlowReaderGuard} (ERROR "slow
 * consumer"), never one that reads, however large its answers.
 */
public final class StompServerHandler extends SimpleChannelInboundHandler<StompFrame>
    implements BrokerSession {
  private static final Logger log = LoggerFactory.getLogger(StompServerHandler.class);
  private static final RateLimitedLog peerLog = new RateLimitedLog(log);
  private static final AtomicLong SESSIONS = new AtomicLong();
  /** How long an ERROR may take to reach a peer before the connection is closed anyway. */
  private static final long ERROR_FLUSH_TIMEOUT_MS = 5_000;

  private final Broker broker;
  private final RpcEndpoint endpoint;
  private final StompSettings settings;
  private final String serverName;
  private final String sessionId = "session-" + SESSIONS.incrementAndGet();
  private final AtomicLong messageIds = new AtomicLong();
  private final SessionWriter writer;
  private final Map<String, List<StompFrame>> transactions = new HashMap<>();
  /** Request bodies of this session still being answered (DISCONNECT waits for them). */
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

  private volatile Channel channel;
  private boolean connected;
  private boolean closing;
  public StompServerHandler(
      Broker broker, RpcEndpoint endpoint, StompSettings settings, String serverName) {
    this(broker, endpoint, settings, serverName, new ServerBudgets(settings.guards()));
  }

  public StompServerHandler(
      Broker broker, RpcEndpoint endpoint, StompSettings settings, String serverName, ServerBudgets budgets) {
    this.broker = requireNonNull(broker, "broker");
    this.endpoint = requireNonNull(endpoint, "endpoint");
    this.settings = requireNonNull(settings, "settings");
    this.serverName = requireNonNull(serverName, "serverName");
    requireNonNull(budgets, "budgets");
    this.writer = new SessionWriter(settings.maxPendingWriteBytes(), budgets, () -> {
      Channel ch = channel;
      ch.eventLoop().execute(() -> errorThenClose(ch.pipeline().context(this), null, "server busy",
          "The host has more than " + budgets.settings().maxPendingWriteBytes()
              + " bytes waiting to be written to all its peers (maxPendingWriteBytes)."));
    });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public String name() {
    Channel ch = channel;
    return ch == null ? sessionId : String.valueOf(ch.remoteAddress());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, StompFrame frame) {
    if (closing) {
      return;
    }
    String tx = frame.header(StompHeaders.TRANSACTION);
    if (tx != null && isTransactional(frame.command())) {
      enlist(ctx, tx, frame);
      return;
    }
    process(ctx, frame);
  }

  private static boolean isTransactional(StompCommand command) {
    return command == StompCommand.SEND || command == StompCommand.ACK || command == StompCommand.NACK;
  }

  private void process(ChannelHandlerContext ctx, StompFrame frame) {
    switch (frame.command()) {
      case CONNECT, STOMP -> onConnect(ctx, frame);
      case SEND -> onSend(ctx, frame);
      case SUBSCRIBE -> onSubscribe(ctx, frame);
      case UNSUBSCRIBE -> onUnsubscribe(ctx, frame);
      case ACK, NACK -> onAck(ctx, frame);
      case BEGIN -> onBegin(ctx, frame);
      case COMMIT, ABORT -> onEndTransaction(ctx, frame);
      case DISCONNECT -> onDisconnect(ctx, frame);
      default -> errorThenClose(ctx, frame, "unexpected frame", frame.command() + " is not a client frame.");
    }
  }

  private void onConnect(ChannelHandlerContext ctx, StompFrame frame) {
    if (connected) {
      errorThenClose(ctx, frame, "already connected", "The session is connected already.");
      return;
    }
    String accepted = frame.header(StompHeaders.ACCEPT_VERSION);
    if (accepted == null || Arrays.stream(accepted.split(",")).map(String::strip).noneMatch("1.2"::equals)) {
      errorThenClose(ctx, errorFrame(frame, "unsupported protocol version", "Supported protocol versions are 1.2")
          .header(StompHeaders.VERSION, "1.2")
          .build());
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
    if ("true".equals(frame.header(StompHeaders.ACCEPT_BATCHED_FRAMES))) {
      StompServerPipeline.mergeFlushes(ctx.pipeline());
    }
    write(StompFrame.builder(StompCommand.CONNECTED)
        .header(StompHeaders.VERSION, "1.2")
        .header(StompHeaders.HEART_BEAT, reply.format())
        .header(StompHeaders.SERVER, serverName)
        .header(StompHeaders.SESSION, sessionId)
        .build());
    HeartBeat.Negotiated negotiated = HeartBeat.negotiate(reply, client);
    if (negotiated.sendMs() > 0 || negotiated.receiveMs() > 0) {
      ctx.pipeline().addBefore(
          StompServerPipeline.DECODER,
          StompHeartBeatHandler.NAME,
          new StompHeartBeatHandler(negotiated, settings.heartBeatGraceFactor()));
    }
    log.debug("{} connected ({}), heart-beat {}", name(), sessionId, negotiated);
  }

  private void onSend(ChannelHandlerContext ctx, StompFrame frame) {
    String destination = frame.header(StompHeaders.DESTINATION);
    if (destination == null || destination.isEmpty()) {
      errorThenClose(ctx, frame, "missing destination", "SEND needs a destination header.");
      return;
    }
    Optional<String> overBound = broker.destinationProblem(destination)
        .or(() -> frame.findHeader(StompHeaders.REPLY_TO).flatMap(broker::destinationProblem));
    if (overBound.isPresent()) {
      errorThenClose(ctx, frame, "destination too long", overBound.get());
      return;
    }
    if (settings.requestDestinations().contains(destination)) {
      String replyTo = frame.findHeader(StompHeaders.REPLY_TO).orElse(settings.defaultReplyTo());
      String flowId = frame.header(StompHeaders.OVIRT_CORRELATION_ID);
      CompletableFuture<Void> handled = endpoint.handle(frame.body(), flowId, new ConnectionReplyTarget(replyTo));
      if (!handled.isDone()) {
        inFlight.add(handled);
        handled.whenComplete((ok, e) -> inFlight.remove(handled));
      }
    } else {
      broker.publish(destination, frame.header(StompHeaders.CONTENT_TYPE), frame.body(), Message.userHeaders(frame.headers())); // bounds checked above
    }
    receipt(frame);
  }

  /** Direct mode's reply target: this connection's subscription covering the request's {@code reply-to}. */
  private final class ConnectionReplyTarget implements ReplyTarget {
    private final String replyTo;

    ConnectionReplyTarget(String replyTo) {
      this.replyTo = replyTo;
    }

    @Override
    public void reply(byte[] answer) {
      for (Subscription s : broker.subscriptions(StompServerHandler.this)) {
        if (Destinations.covers(s.destination(), replyTo)) {
          sendMessage(s.id(), replyTo, StompHeaders.APPLICATION_JSON, answer, null, List.of(), false);
          return;
        }
      }
      if (channel.isActive()) {
        peerLog.warn("{}: dropping a response for {}: the connection has no subscription to it", name(), replyTo);
      }
    }
  }

  @Override
  public void deliver(Subscription subscription, Message message, String ackId) {
    sendMessage(subscription.id(), message.destination(), message.contentType(), message.body(), ackId, message.headers(), true);
  }

  private void sendMessage(String subscriptionId, String destination, String contentType, byte[] body, String ackId,
      List<Map.Entry<String, String>> senderHeaders, boolean droppable) {
    StompFrame.Builder message = StompFrame.builder(StompCommand.MESSAGE)
        .header(StompHeaders.DESTINATION, destination)
        .header(StompHeaders.SUBSCRIPTION, subscriptionId)
        .header(StompHeaders.MESSAGE_ID, sessionId + "-" + messageIds.incrementAndGet());
    if (contentType != null) {
      message.header(StompHeaders.CONTENT_TYPE, contentType);
    }
    if (ackId != null) {
      message.header(StompHeaders.ACK, ackId);
    }
    for (Map.Entry<String, String> h : senderHeaders) {
      message.header(h.getKey(), h.getValue());
    }
    write(message.body(body).build(), droppable);
  }

  private void write(StompFrame frame) {
    write(frame, false);
  }

  /**
   * Writes and flushes {@code frame}, each frame on its own, also when several answers of one read
   * are written on the event loop: the oVirt engine's client ({@code vdsm-jsonrpc-java} 1.7.4)
   * parses at most one frame carrying content-length per socket read and leaves the rest in its
   * buffer until more bytes arrive, so answers flushed together can wait there until the next
   * heart-beat (see docs/benchmarks.md).
   */
  private void write(StompFrame frame, boolean droppable) {
    writer.write(channel, frame, droppable);
  }

  private void onSubscribe(ChannelHandlerContext ctx, StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    String destination = frame.header(StompHeaders.DESTINATION);
    if (id == null || destination == null || destination.isEmpty()) {
      errorThenClose(ctx, frame, "malformed SUBSCRIBE", "SUBSCRIBE needs id and destination headers.");
      return;
    }
    Optional<AckMode> ack = AckMode.parse(frame.header(StompHeaders.ACK));
    if (ack.isEmpty()) {
      errorThenClose(ctx, frame, "invalid ack mode",
          "ack must be auto, client or client-individual, not " + frame.header(StompHeaders.ACK));
      return;
    }
    try {
      broker.subscribe(this, id, destination, ack.get());
    } catch (IllegalArgumentException e) {
      errorThenClose(ctx, frame, "duplicate subscription id", e.getMessage());
      return;
    } catch (BrokerLimitException e) {
      errorThenClose(ctx, frame, "subscription refused", e.getMessage());
      return;
    }
    receipt(frame);
  }

  private void onUnsubscribe(ChannelHandlerContext ctx, StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    if (id == null) {
      errorThenClose(ctx, frame, "malformed UNSUBSCRIBE", "UNSUBSCRIBE needs an id header.");
      return;
    }
    if (!broker.unsubscribe(this, id)) {
      log.debug("{}: UNSUBSCRIBE of unknown subscription {}", name(), id);
    }
    receipt(frame);
  }

  private void onAck(ChannelHandlerContext ctx, StompFrame frame) {
    String id = frame.header(StompHeaders.ID);
    if (id == null) {
      errorThenClose(ctx, frame, "malformed " + frame.command(), frame.command() + " needs an id header.");
      return;
    }
    boolean known = frame.command() == StompCommand.ACK ? broker.ack(this, id) : broker.nack(this, id);
    if (!known) {
      // ack:auto deliveries and repeated acknowledgements: nothing is pending, nothing to do.
      log.debug("{}: {} of {} settles nothing", name(), frame.command(), id);
    }
    receipt(frame);
  }

  private void onBegin(ChannelHandlerContext ctx, StompFrame frame) {
    String tx = frame.header(StompHeaders.TRANSACTION);
    if (tx == null) {
      errorThenClose(ctx, frame, "malformed BEGIN", "BEGIN needs a transaction header.");
    } else if (transactions.containsKey(tx)) {
      errorThenClose(ctx, frame, "transaction already open", "Transaction " + tx + " is open already.");
    } else if (transactions.size() >= settings.maxOpenTransactions()) {
      errorThenClose(ctx, frame, "too many transactions",
          "At most " + settings.maxOpenTransactions() + " transactions may be open at once.");
    } else {
      transactions.put(tx, new ArrayList<>());
      receipt(frame);
    }
  }

  private void enlist(ChannelHandlerContext ctx, String tx, StompFrame frame) {
    List<StompFrame> frames = transactions.get(tx);
    if (frames == null) {
      errorThenClose(ctx, frame, "unknown transaction", "Transaction " + tx + " was not begun.");
    } else if (frames.size() >= settings.maxTransactionFrames()) {
      errorThenClose(ctx, frame, "transaction too large",
          "A transaction may hold at most " + settings.maxTransactionFrames() + " frames.");
    } else {
      frames.add(frame);
    }
  }

  private void onEndTransaction(ChannelHandlerContext ctx, StompFrame frame) {
    String tx = frame.header(StompHeaders.TRANSACTION);
    List<StompFrame> frames = tx == null ? null : transactions.remove(tx);
    if (frames == null) {
      errorThenClose(ctx, frame, "unknown transaction", "Transaction " + tx + " was not begun.");
      return;
    }
    if (frame.command() == StompCommand.COMMIT) {
      for (StompFrame f : frames) {
        if (closing) {
          return;
        }
        process(ctx, f);
      }
    }
    receipt(frame);
  }

  /**
   * "The client can ask the server to acknowledge all previously sent frames": answers still being
   * computed for this session are sent first (each is bounded by its request deadline), then the
   * RECEIPT, then the connection closes.
   */
  private void onDisconnect(ChannelHandlerContext ctx, StompFrame frame) {
    closing = true;
    String receipt = frame.header(StompHeaders.RECEIPT);
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).whenComplete((ok, e) ->
        ctx.executor().execute(() -> {
          if (receipt == null) {
            ctx.close();
            return;
          }
          ctx.writeAndFlush(StompFrame.builder(StompCommand.RECEIPT).header(StompHeaders.RECEIPT_ID, receipt).build())
              .addListener(ChannelFutureListener.CLOSE);
        }));
  }

  private void receipt(StompFrame frame) {
    String receipt = frame.header(StompHeaders.RECEIPT);
    if (receipt != null) {
      write(StompFrame.builder(StompCommand.RECEIPT).header(StompHeaders.RECEIPT_ID, receipt).build());
    }
  }

  private static StompFrame.Builder errorFrame(StompFrame cause, String message, String detail) {
    StompFrame.Builder error = StompFrame.builder(StompCommand.ERROR)
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
    if (closing || ctx == null) {
      return;
    }
    closing = true;
    peerLog.info("{}: STOMP error, closing: {}", name(), error.header(StompHeaders.MESSAGE));
    ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
    // A peer that does not read would keep the ERROR (and the connection) forever: cut it off.
    ctx.executor().schedule(() -> {
      ctx.close();
    }, ERROR_FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == SlowReaderGuard.SLOW_READER) {
      errorThenClose(ctx, null, "slow consumer", "The connection took none of the bytes waiting for it within "
          + settings.guards().slowReaderTimeout().toSeconds() + " s (slowReaderTimeout).");
      return;
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
      peerLog.info("{}: connection failed: {}", name(), rootMessage(cause));
      log.debug("connection failure", cause);
    }
    closing = true;
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    broker.disconnected(this);
    transactions.clear();
    log.debug("{} disconnected ({})", name(), sessionId);
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

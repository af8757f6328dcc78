package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.server.StompSettings;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.BrokerSession;
import org.ovirt.vdsm.messaging.server.broker.Destinations;
import org.ovirt.vdsm.messaging.server.broker.Message;
import org.ovirt.vdsm.messaging.server.broker.Subscription;
import org.ovirt.vdsm.messaging.server.guard.ServerBudgets;
import org.ovirt.vdsm.messaging.server.guard.SlowReaderGuard;
import org.ovirt.vdsm.messaging.server.rpc.ReplyTarget;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
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
 * <p>The per-command checks are apart: CONNECT in {@link ConnectCommand}, SUBSCRIBE, UNSUBSCRIBE,
 * ACK and NACK in {@link SubscriptionCommands}, BEGIN, COMMIT, ABORT and the frames enlisted in
 * {@link SessionTransactions}; each returns the ERROR to answer as a value, and this class
 * dispatches, serves SEND and DISCONNECT, writes receipts and answers errors.
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
  private final SessionTransactions transactions;
  private final SubscriptionCommands subscriptions;
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
    this.transactions = new SessionTransactions(settings.maxOpenTransactions(), settings.maxTransactionFrames());
    this.subscriptions = new SubscriptionCommands(broker, this);
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
    if (tx != null && SessionTransactions.isTransactional(frame.command())) {
      closeIfRefused(ctx, transactions.enlist(tx, frame));
      return;
    }
    process(ctx, frame);
  }

  private void process(ChannelHandlerContext ctx, StompFrame frame) {
    switch (frame.command()) {
      case CONNECT, STOMP -> onConnect(ctx, frame);
      case SEND -> onSend(ctx, frame);
      case SUBSCRIBE -> receiptUnlessRefused(ctx, frame, subscriptions.subscribe(frame));
      case UNSUBSCRIBE -> receiptUnlessRefused(ctx, frame, subscriptions.unsubscribe(frame));
      case ACK, NACK -> receiptUnlessRefused(ctx, frame, subscriptions.acknowledge(frame));
      case BEGIN -> receiptUnlessRefused(ctx, frame, transactions.begin(frame));
      case COMMIT, ABORT -> onEndTransaction(ctx, frame);
      case DISCONNECT -> onDisconnect(ctx, frame);
      default -> errorThenClose(ctx, frame, "unexpected frame", frame.command() + " is not a client frame.");
    }
  }

  /** Sends the receipt {@code frame} asks for, unless {@code refusal} holds the ERROR to close with. */
  private void receiptUnlessRefused(ChannelHandlerContext ctx, StompFrame frame, Optional<StompFrame> refusal) {
    if (refusal.isPresent()) {
      errorThenClose(ctx, refusal.get());
    } else {
      receipt(frame);
    }
  }

  private void closeIfRefused(ChannelHandlerContext ctx, Optional<StompFrame> refusal) {
    refusal.ifPresent(error -> errorThenClose(ctx, error));
  }

  private void onConnect(ChannelHandlerContext ctx, StompFrame frame) {
    if (connected) {
      errorThenClose(ctx, frame, "already connected", "The session is connected already.");
      return;
    }
    ConnectCommand.Answer answer = ConnectCommand.answer(frame, serverName, sessionId);
    if (answer.refused()) {
      errorThenClose(ctx, answer.reply());
      return;
    }
    connected = true;
    if ("true".equals(frame.header(StompHeaders.ACCEPT_BATCHED_FRAMES))) {
      StompServerPipeline.mergeFlushes(ctx.pipeline());
    }
    write(answer.reply());
    HeartBeat.Negotiated negotiated = answer.negotiated();
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
    String messageId = sessionId + "-" + messageIds.incrementAndGet();
    write(ServerFrames.message(subscriptionId, destination, messageId, contentType, body, ackId, senderHeaders), droppable);
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

  private void onEndTransaction(ChannelHandlerContext ctx, StompFrame frame) {
    SessionTransactions.Ending ending = transactions.end(frame);
    if (ending.error() != null) {
      errorThenClose(ctx, ending.error());
      return;
    }
    for (StompFrame f : ending.frames()) {
      if (closing) {
        return;
      }
      process(ctx, f);
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
          ctx.writeAndFlush(ServerFrames.receipt(receipt))
              .addListener(ChannelFutureListener.CLOSE);
        }));
  }

  private void receipt(StompFrame frame) {
    String receipt = frame.header(StompHeaders.RECEIPT);
    if (receipt != null) {
      write(ServerFrames.receipt(receipt));
    }
  }

  private void errorThenClose(ChannelHandlerContext ctx, StompFrame cause, String message, String detail) {
    errorThenClose(ctx, ServerFrames.error(cause, message, detail).build());
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

package org.ovirt.vdsm.messaging.stomp.client;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd.Reason;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one STOMP 1.2 connection (one channel): writes CONNECT as soon as the channel
 * is active (TLS buffers it until the handshake is done), negotiates heart-beats from CONNECTED with
 * the configured offer (never from a previous session, so values cannot drift across reconnects),
 * installs the heart-beat handler, writes SUBSCRIBE, UNSUBSCRIBE, SEND and DISCONNECT for its user,
 * and reports everything else to its {@link Listener}: the session start, each MESSAGE and RECEIPT,
 * and exactly one end with its {@link SessionEnd}.
 *
 * <p>All callbacks run on the channel's event loop, in frame order; frames decoded from one read
 * are handed on one after the other at once. The write methods must be called on that loop.
 */
public final class StompClientSession extends SimpleChannelInboundHandler<StompFrame> {
  private static final Logger log = LoggerFactory.getLogger(StompClientSession.class);

  /** Pipeline name of the frame decoder (the heart-beat handler goes right before it). */
  public static final String DECODER = "stomp-decoder";
  /** Pipeline name of the frame encoder. */
  public static final String ENCODER = "stomp-encoder";
  /** Pipeline name of this handler. */
  public static final String SESSION = "stomp-session";

  /** What the session reports; every method runs on the channel's event loop. */
  public interface Listener {
    /** CONNECTED arrived; write subscriptions and waiting requests now. */
    void sessionStarted(StompClientSession session, HeartBeat.Negotiated negotiated);

    /** A MESSAGE arrived. */
    void message(StompClientSession session, StompFrame frame);

    /** A RECEIPT arrived. */
    void receipt(StompClientSession session, String receiptId);

    /** The connection is gone; called exactly once per session, also when it never became active. */
    void sessionEnded(StompClientSession session, SessionEnd end);
  }

  private final String name;
  private final String hostHeader;
  private final HeartBeat offer;
  private final double graceFactor;
  private final Listener listener;
  private final String peer;

  private ChannelHandlerContext ctx;
  private boolean connected;
  private boolean ended;
  private Reason reason;
  private String detail;
  private Throwable cause;
  private HeartBeat.Negotiated negotiated = HeartBeat.Negotiated.NONE;

  /**
   * @param name {@code host:port} of the peer, for messages
   * @param hostHeader the value of CONNECT's {@code host} header
   * @param offer the heart-beat offered in CONNECT
   * @param graceFactor a peer silent for this many negotiated receive intervals is dead (at least 1)
   */
  public StompClientSession(String name, String hostHeader, HeartBeat offer, double graceFactor, Listener listener) {
    this(name, hostHeader, offer, graceFactor, listener, "peer");
  }

  /**
   * Like {@link #StompClientSession(String, String, HeartBeat, double, Listener)}, naming the peer
   * {@code peer} in messages ({@code "host"}, {@code "broker"}).
   */
  public StompClientSession(
      String name, String hostHeader, HeartBeat offer, double graceFactor, Listener listener, String peer) {
    this.peer = requireNonNull(peer, "peer");
    this.name = requireNonNull(name, "name");
    this.hostHeader = requireNonNull(hostHeader, "hostHeader");
    this.offer = requireNonNull(offer, "offer");
    HeartBeat.Negotiated.NONE.deadPeerTimeoutMs(graceFactor); // validates
    this.graceFactor = graceFactor;
    this.listener = requireNonNull(listener, "listener");
  }

  /** {@code host:port} of the peer. */
  public String name() {
    return name;
  }

  /** The heart-beat in force (none before CONNECTED). */
  public HeartBeat.Negotiated negotiated() {
    return negotiated;
  }

  /** Whether CONNECTED has arrived. */
  public boolean isConnected() {
    return connected;
  }

  /** The context, once added to a pipeline. */
  public ChannelHandlerContext context() {
    return ctx;
  }

  /** The channel, once added to a pipeline, else {@code null}. */
  public Channel channel() {
    return ctx == null ? null : ctx.channel();
  }

  // ------------------------------------------------------------------------------ writing

  /** Writes SUBSCRIBE with {@code ack:auto} (not flushed). */
  public void subscribe(String destination, String id) {
    write(StompFrame.builder(StompCommand.SUBSCRIBE)
        .header(StompHeaders.DESTINATION, requireNonNull(destination, "destination"))
        .header(StompHeaders.ID, requireNonNull(id, "id"))
        .header(StompHeaders.ACK, "auto")
        .build());
  }

  /** Writes UNSUBSCRIBE (not flushed). */
  public void unsubscribe(String id) {
    write(StompFrame.builder(StompCommand.UNSUBSCRIBE).header(StompHeaders.ID, requireNonNull(id, "id")).build());
  }

  /** Writes {@code frame} (not flushed); the future tells whether it reached the socket. */
  public ChannelFuture send(StompFrame frame) {
    return ctx.channel().write(requireNonNull(frame, "frame"));
  }

  /** Writes DISCONNECT asking for receipt {@code receiptId}, and flushes. */
  public void disconnect(String receiptId) {
    Channel ch = ctx.channel();
    ch.writeAndFlush(StompFrame.builder(StompCommand.DISCONNECT)
        .header(StompHeaders.RECEIPT, requireNonNull(receiptId, "receiptId")).build(), ch.voidPromise());
  }

  /**
   * Ends the session politely: DISCONNECT asking for {@code receiptId}, then, if the connection is
   * still open after {@code wait} (no RECEIPT came and nothing else ended it), closes it. Call on the
   * event loop, once connected.
   *
   * @return the timer of the forced close; cancel it once the session ended
   */
  public ScheduledFuture<?> disconnect(String receiptId, Duration wait) {
    requireNonNull(wait, "wait");
    disconnect(receiptId);
    return ctx.channel().eventLoop().schedule(() -> {
      if (!ended) {
        abort(Reason.CLOSED_LOCALLY, "closed by the client (no receipt for DISCONNECT)", null);
      }
    }, wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Ends the session at once, whether its connection was made or is still being made. Call on the
   * event loop.
   */
  public void closeNow() {
    if (ctx == null) {
      connectFailed(new IOException("closed by the client"));
    } else {
      abort(Reason.CLOSED_LOCALLY, "closed by the client", null);
    }
  }

  /** Flushes what was written. */
  public void flush() {
    ctx.channel().flush();
  }

  private void write(StompFrame frame) {
    Channel ch = ctx.channel();
    ch.write(frame, ch.voidPromise());
  }

  // ------------------------------------------------------------------------------ reading

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext context) throws Exception {
    context.writeAndFlush(
        StompFrame.builder(StompCommand.CONNECT)
            .header(StompHeaders.ACCEPT_VERSION, "1.2")
            .header(StompHeaders.HOST, hostHeader)
            .header(StompHeaders.HEART_BEAT, offer.format())
            .header(StompHeaders.ACCEPT_BATCHED_FRAMES, "true")
            .build());
    super.channelActive(context);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext context, StompFrame frame) {
    switch (frame.command()) {
      case CONNECTED -> onConnected(context, frame);
      case MESSAGE -> {
        if (connected) {
          listener.message(this, frame);
        } else {
          abort(Reason.PROTOCOL, "MESSAGE before CONNECTED", null);
        }
      }
      case RECEIPT -> listener.receipt(this, String.valueOf(frame.header(StompHeaders.RECEIPT_ID)));
      case ERROR -> {
        String message = frame.header(StompHeaders.MESSAGE);
        log.warn("{}: the {} sent ERROR: {} {}", name, peer, message, frame.bodyAsString());
        abort(Reason.PROTOCOL, "the " + peer + " sent ERROR: " + message, null);
      }
      default -> log.warn("{}: ignoring unexpected {} frame", name, frame.command());
    }
  }

  private void onConnected(ChannelHandlerContext context, StompFrame frame) {
    if (connected) {
      log.warn("{}: ignoring a second CONNECTED", name);
      return;
    }
    HeartBeat offered;
    try {
      offered = HeartBeat.parse(frame.header(StompHeaders.HEART_BEAT));
    } catch (IllegalArgumentException e) {
      abort(Reason.PROTOCOL, "the " + peer + " sent a malformed heart-beat: " + e.getMessage(), null);
      return;
    }
    negotiated = HeartBeat.negotiate(offer, offered);
    if (negotiated.sendMs() > 0 || negotiated.receiveMs() > 0) {
      context.pipeline().addBefore(DECODER, StompHeartBeatHandler.NAME, new StompHeartBeatHandler(negotiated, graceFactor));
    }
    connected = true;
    log.debug("{}: connected, heart-beat {}", name, negotiated);
    listener.sessionStarted(this, negotiated);
  }

  /** Closes the connection, recording why (the first reason recorded wins). Call on the event loop. */
  public void abort(Reason why, String message, Throwable failure) {
    record(why, message, failure);
    if (ctx != null) {
      ctx.channel().close();
    }
  }

  /** The TCP connect itself failed (the channel never became active). Call on the event loop. */
  public void connectFailed(Throwable failure) {
    record(Reason.CONNECT_FAILED, rootMessage(failure), failure);
    end();
  }

  private void record(Reason why, String message, Throwable failure) {
    if (reason == null) {
      reason = why;
      detail = message;
      cause = failure;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
    if (evt == StompHeartBeatHandler.PEER_SILENT) {
      record(Reason.HEART_BEAT,
          "heart-beat lost: nothing from the " + peer + " for " + negotiated.deadPeerTimeoutMs(graceFactor) + " ms", null);
    } else if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      record(Reason.TLS, "TLS handshake failed: " + rootMessage(handshake.cause()), handshake.cause());
    }
    super.userEventTriggered(context, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable failure) {
    Reason why;
    if (failure instanceof StompDecodeException) {
      why = Reason.PROTOCOL;
    } else if (failure instanceof SSLException || failure.getCause() instanceof SSLException) {
      why = Reason.TLS;
    } else if (failure instanceof DecoderException) {
      why = Reason.PROTOCOL;
    } else if (failure instanceof IOException) {
      why = Reason.IO_ERROR;
    } else {
      why = Reason.PROTOCOL;
    }
    log.debug("{}: connection failed", name, failure);
    abort(why, rootMessage(failure), failure);
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) throws Exception {
    if (reason == null) {
      record(connected ? Reason.CLOSED_BY_PEER : Reason.CONNECT_FAILED,
          connected ? "closed by the " + peer : "closed by the " + peer + " before CONNECTED", null);
    }
    end();
    super.channelInactive(context);
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    String prefix = connected ? "connection to " + name + " lost: " : "cannot connect to " + name + ": ";
    listener.sessionEnded(this, new SessionEnd(reason, prefix + detail, cause));
  }

  /** The message of the innermost cause of {@code t}, or its class name. */
  public static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}

package org.ovirt.vdsm.messaging.stomp.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;

/**
 * Records, in order, what a {@link StompClientSession} reports to its listener, and what the session
 * passes on down the pipeline (to a handler after it); builds the session's {@link EmbeddedChannel}.
 */
final class SessionRecorder implements StompClientSession.Listener {
  /** "started", "message", "receipt ID", "ended REASON", in order. */
  final List<String> events = new ArrayList<>();
  /** What reached the handler after the session: "active", "inactive", "event X", "read X". */
  final List<String> passedOn = new ArrayList<>();
  final List<SessionEnd> ends = new ArrayList<>();
  final List<StompFrame> messages = new ArrayList<>();

  @Override
  public void sessionStarted(StompClientSession session, HeartBeat.Negotiated negotiated) {
    events.add("started");
  }

  @Override
  public void message(StompClientSession session, StompFrame frame) {
    messages.add(frame);
    events.add("message");
  }

  @Override
  public void receipt(StompClientSession session, String receiptId) {
    events.add("receipt " + receiptId);
  }

  @Override
  public void sessionEnded(StompClientSession session, SessionEnd end) {
    ends.add(end);
    events.add("ended " + end.reason());
  }

  /** The one end reported. */
  SessionEnd end() {
    if (ends.size() != 1) {
      throw new AssertionError("expected exactly one end, got " + ends);
    }
    return ends.get(0);
  }

  /**
   * The real codec, {@code session}, and a handler after it that records what the session passes
   * on; the channel is made active (CONNECT written) unless {@code active} is false.
   */
  EmbeddedChannel channel(StompClientSession session, boolean active) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(StompClientSession.DECODER, new StompFrameDecoder());
    ch.pipeline().addLast(StompClientSession.ENCODER, StompFrameEncoder.INSTANCE);
    ch.pipeline().addLast(StompClientSession.SESSION, session);
    ch.pipeline().addLast("after-session", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        passedOn.add("active");
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        passedOn.add("inactive");
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        passedOn.add("event " + evt);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        passedOn.add("read " + msg);
        ReferenceCountUtil.release(msg);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        passedOn.add("exception " + cause.getMessage());
      }
    });
    if (active) {
      ch.pipeline().fireChannelActive();
    }
    return ch;
  }

  /** The bytes of {@code wire} (ISO-8859-1, {@code \0} as NUL) as a buffer. */
  static ByteBuf bytes(String wire) {
    return Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1);
  }

  /** Everything written and flushed since the last call, as text. */
  static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }
}

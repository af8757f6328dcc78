package org.ovirt.vdsm.messaging.stomp.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd.Reason;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompHeartBeatHandler;

/** The client STOMP session in an {@link EmbeddedChannel} with the real codec. */
class StompClientSessionTest {

  /** Records what the handler reports. */
  private static final class Recorder implements StompClientSession.Listener {
    final List<String> events = new ArrayList<>();
    final List<StompFrame> messages = new ArrayList<>();
    HeartBeat.Negotiated negotiated;
    SessionEnd end;

    @Override
    public void sessionStarted(StompClientSession session, HeartBeat.Negotiated n) {
      negotiated = n;
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
    public void sessionEnded(StompClientSession session, SessionEnd failure) {
      end = failure;
      events.add("ended " + failure.reason());
    }
  }

  private final Recorder recorder = new Recorder();

  private EmbeddedChannel channel(HeartBeat offer) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(StompClientSession.DECODER, new StompFrameDecoder());
    ch.pipeline().addLast("stomp-encoder", StompFrameEncoder.INSTANCE);
    ch.pipeline().addLast("stomp-session", new StompClientSession("host:1", "host", offer, 1.5, recorder));
    ch.pipeline().fireChannelActive();
    return ch;
  }

  /** A frame's bytes: command, headers (name, value, ...), content-length when there is a body, NUL. */
  private static byte[] frame(String command, String body, String... headers) {
    StringBuilder sb = new StringBuilder(command).append('\n');
    for (int i = 0; i < headers.length; i += 2) {
      sb.append(headers[i]).append(':').append(headers[i + 1]).append('\n');
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0) {
      sb.append("content-length:").append(b.length).append('\n');
    }
    sb.append('\n');
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(b);
    out.write(0);
    return out.toByteArray();
  }

  private static ByteBuf bytes(byte[]... frames) {
    ByteBuf b = Unpooled.buffer();
    for (byte[] f : frames) {
      b.writeBytes(f);
    }
    return b;
  }

  private static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuf out;
    while ((out = ch.readOutbound()) != null) {
      sb.append(out.toString(StandardCharsets.UTF_8));
      out.release();
    }
    return sb.toString();
  }

  @Test
  void writesConnectWithTheOfferedHeartBeatFirst() {
    EmbeddedChannel ch = channel(new HeartBeat(10_000, 10_000));
    assertThat(written(ch)).isEqualTo("CONNECT\naccept-version:1.2\nhost:host\nheart-beat:10000,10000\naccept-batched-frames:true\n\n\0");
    ch.finishAndReleaseAll();
  }

  @Test
  void negotiatesFromConnectedAndInstallsTheHeartBeatHandler() {
    EmbeddedChannel ch = channel(new HeartBeat(10_000, 10_000));
    written(ch);
    ch.writeInbound(bytes(frame("CONNECTED", "", "version", "1.2", "heart-beat", "5000,20000")));
    assertThat(recorder.negotiated).isEqualTo(new HeartBeat.Negotiated(20_000, 10_000));
    assertThat(ch.pipeline().get(StompHeartBeatHandler.NAME)).isNotNull();
    assertThat(recorder.events).containsExactly("started");
    ch.finishAndReleaseAll();
  }

  @Test
  void noHeartBeatHandlerWhenNothingIsNegotiated() {
    EmbeddedChannel ch = channel(new HeartBeat(10_000, 10_000));
    ch.writeInbound(bytes(frame("CONNECTED", "", "version", "1.2")));
    assertThat(recorder.negotiated).isEqualTo(HeartBeat.Negotiated.NONE);
    assertThat(ch.pipeline().get(StompHeartBeatHandler.NAME)).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void framesOfOneReadAreAllDeliveredAtOnce() {
    EmbeddedChannel ch = channel(HeartBeat.NONE);
    ch.writeInbound(bytes(
        frame("CONNECTED", "", "version", "1.2"),
        frame("MESSAGE", "{\"a\":1}", "destination", "d", "subscription", "s"),
        frame("MESSAGE", "{\"b\":2}", "destination", "d", "subscription", "s"),
        frame("RECEIPT", "", "receipt-id", "r1")));
    assertThat(recorder.events).containsExactly("started", "message", "message", "receipt r1");
    assertThat(recorder.messages.get(1).bodyAsString()).isEqualTo("{\"b\":2}");
    ch.finishAndReleaseAll();
  }

  @Test
  void aFrameSplitAtEveryByteIsDeliveredOnceComplete() {
    EmbeddedChannel ch = channel(HeartBeat.NONE);
    ch.writeInbound(bytes(frame("CONNECTED", "", "version", "1.2")));
    byte[] message = frame("MESSAGE", "{\"x\":\"\u00e9\"}", "destination", "d", "subscription", "s");
    for (int i = 0; i < message.length; i++) {
      assertThat(recorder.messages).isEmpty();
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {message[i]}));
    }
    assertThat(recorder.messages).hasSize(1);
    assertThat(recorder.messages.get(0).bodyAsString()).isEqualTo("{\"x\":\"\u00e9\"}");
    ch.finishAndReleaseAll();
  }

  @Test
  void aMessageBeforeConnectedIsAProtocolError() {
    EmbeddedChannel ch = channel(HeartBeat.NONE);
    ch.writeInbound(bytes(frame("MESSAGE", "{}", "destination", "d")));
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end.reason()).isEqualTo(Reason.PROTOCOL);
    ch.finishAndReleaseAll();
  }

  @Test
  void anErrorFrameClosesWithItsMessage() {
    EmbeddedChannel ch = channel(HeartBeat.NONE);
    ch.writeInbound(bytes(
        frame("CONNECTED", "", "version", "1.2"),
        frame("ERROR", "more", "message", "refused")));
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end.reason()).isEqualTo(Reason.PROTOCOL);
    assertThat(recorder.end.message()).contains("refused").contains("host:1");
    ch.finishAndReleaseAll();
  }

  @Test
  void aMalformedFrameIsAProtocolError() {
    EmbeddedChannel ch = channel(HeartBeat.NONE);
    ch.writeInbound(bytes("BOGUS\n\n\0".getBytes(StandardCharsets.UTF_8)));
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.end.reason()).isEqualTo(Reason.PROTOCOL);
    ch.finishAndReleaseAll();
  }

  @Test
  void aMalformedHeartBeatIsAProtocolError() {
    EmbeddedChannel ch = channel(new HeartBeat(1000, 1000));
    ch.writeInbound(bytes(frame("CONNECTED", "", "version", "1.2", "heart-beat", "soon")));
    assertThat(recorder.end.reason()).isEqualTo(Reason.PROTOCOL);
    ch.finishAndReleaseAll();
  }

  @Test
  void closeBeforeConnectedIsAConnectFailureAfterItClosedByTheHost() {
    EmbeddedChannel early = channel(HeartBeat.NONE);
    early.close();
    assertThat(recorder.end.reason()).isEqualTo(Reason.CONNECT_FAILED);
    early.finishAndReleaseAll();

    Recorder second = new Recorder();
    EmbeddedChannel late = new EmbeddedChannel();
    late.pipeline().addLast(StompClientSession.DECODER, new StompFrameDecoder());
    late.pipeline().addLast(StompFrameEncoder.INSTANCE);
    late.pipeline().addLast(new StompClientSession("h:1", "h", HeartBeat.NONE, 1.5, second));
    late.pipeline().fireChannelActive();
    late.writeInbound(bytes(frame("CONNECTED", "", "version", "1.2")));
    late.close();
    assertThat(second.end.reason()).isEqualTo(Reason.CLOSED_BY_PEER);
    assertThat(second.events).containsExactly("started", "ended CLOSED_BY_PEER");
    late.finishAndReleaseAll();
  }

  @Test
  void theSilentPeerEventIsReportedAsHeartBeatLoss() {
    EmbeddedChannel ch = channel(new HeartBeat(1000, 1000));
    ch.writeInbound(bytes(frame("CONNECTED", "", "version", "1.2", "heart-beat", "1000,1000")));
    ch.pipeline().fireUserEventTriggered(StompHeartBeatHandler.PEER_SILENT);
    ch.close();
    assertThat(recorder.end.reason()).isEqualTo(Reason.HEART_BEAT);
    assertThat(recorder.end.message()).contains("1500 ms");
    ch.finishAndReleaseAll();
  }

  @Test
  void theEndIsReportedOnce() {
    EmbeddedChannel ch = channel(HeartBeat.NONE);
    StompClientSession h = (StompClientSession) ch.pipeline().get("stomp-session");
    h.abort(Reason.CLOSED_LOCALLY, "closed by the client", null);
    h.connectFailed(new java.io.IOException("late"));
    assertThat(recorder.events).containsExactly("ended CLOSED_LOCALLY");
    ch.finishAndReleaseAll();
  }
}

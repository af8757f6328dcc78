package org.ovirt.vdsm.messaging.server.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.server.StompSettings;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.server.rpc.JsonRpcDispatcher;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;

/**
 * The session's write path with trivial calls answered inline on the network thread: every answer
 * is flushed on its own, also when several requests came in one read, because the oVirt engine's
 * client parses at most one content-length frame per socket read (the rest waits in its buffer for
 * more bytes, up to a heart-beat). A client that says in CONNECT that it takes batched frames
 * (this project's engine-client) gets the answers of one read in one flush.
 */
class AnswerFlushTest {
  private JsonRpcDispatcher dispatcher;
  private EmbeddedChannel channel;
  private final AtomicInteger flushes = new AtomicInteger();

  @BeforeEach
  void open() {
    MethodRegistry methods = new MethodRegistry().registerInline("Host.ping2", List.of(), p -> null);
    dispatcher = new JsonRpcDispatcher(methods, 1, 10);
    channel = new EmbeddedChannel();
    channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushes.incrementAndGet();
        ctx.flush();
      }
    });
    new StompServerPipeline(new Broker(BrokerConfig.DEFAULTS), new RpcEndpoint(dispatcher), StompSettings.DEFAULTS,
        "test").install(channel.pipeline());
  }

  private void connect(String extraHeader) {
    channel.writeInbound(bytes("CONNECT\naccept-version:1.2\n" + extraHeader
        + "\n\0SUBSCRIBE\nid:s1\ndestination:jms.topic.vdsm_responses\n\n\0"));
    assertThat(outbound()).hasSize(1).first().asString().startsWith("CONNECTED\n");
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    dispatcher.close();
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  private static String ping(int id) {
    return "SEND\ndestination:jms.topic.vdsm_requests\nreply-to:jms.topic.vdsm_responses\n\n"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"id\":" + id + "}\0";
  }

  /** What the channel has flushed so far, one string per written buffer. */
  private List<String> outbound() {
    List<String> out = new ArrayList<>();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      out.add(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return out;
  }

  @Test
  void eachAnswerOfOneReadIsFlushedOnItsOwnBeforeTheReadEnds() {
    connect("");
    assertThat(channel.pipeline().get(StompServerPipeline.FLUSHES)).isNull();
    int before = flushes.get();
    channel.writeOneInbound(bytes(ping(1) + ping(2) + ping(3))); // one read, no read-complete yet
    assertAnswersToPings1To3(outbound());
    assertThat(flushes.get() - before).as("one flush per answer").isEqualTo(3);
  }

  @Test
  void anyOtherValueOfTheBatchedFramesHeaderKeepsOneFlushPerAnswer() {
    connect("accept-batched-frames:yes\n");
    int before = flushes.get();
    channel.writeOneInbound(bytes(ping(1) + ping(2)));
    assertThat(outbound()).hasSize(2);
    assertThat(flushes.get() - before).isEqualTo(2);
  }

  @Test
  void aClientThatAcceptsBatchedFramesGetsTheAnswersOfOneReadInOneFlushAtTheEndOfTheRead() {
    connect("accept-batched-frames:true\n");
    int before = flushes.get();
    channel.writeOneInbound(bytes(ping(1) + ping(2) + ping(3))); // one read, no read-complete yet
    assertThat(outbound()).as("nothing flushed before the read ends").isEmpty();
    assertThat(flushes.get() - before).isZero();

    channel.pipeline().fireChannelReadComplete();
    assertAnswersToPings1To3(outbound());
    assertThat(flushes.get() - before).as("one flush for the read").isEqualTo(1);
  }

  /** The three answers to pings 1, 2 and 3, in order, each a MESSAGE of its own. */
  private static void assertAnswersToPings1To3(List<String> out) {
    assertThat(out).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(out.get(i)).startsWith("MESSAGE\ndestination:jms.topic.vdsm_responses\nsubscription:s1\n")
          .endsWith("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":" + (i + 1) + "}\0");
    }
  }
}

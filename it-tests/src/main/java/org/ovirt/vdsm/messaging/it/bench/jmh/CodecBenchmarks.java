package org.ovirt.vdsm.messaging.it.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;

/**
 * JMH micro benchmarks of the STOMP codec and the JSON-RPC parser, for a small request (an engine's
 * {@code Host.ping2} SEND frame) and a large response (about 200 KB of JSON).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CodecBenchmarks {
  @Param({"small", "large"})
  public String size;

  private byte[] json;
  private StompFrame frame;
  private byte[] wire;
  private EmbeddedChannel decoder;

  @Setup
  public void setUp() {
    json = size.equals("small")
        ? "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"params\":{},\"id\":\"8a5b1c6e-2f4d-4e1a-9c3b-7d6e5f4a3b2c\"}"
            .getBytes(StandardCharsets.UTF_8)
        : JsonRpcCodec.encode(JsonRpcResponse.success(JsonRpcId.random(), LargeResult.capabilities(200 * 1024)));
    frame = StompFrame.builder(StompCommand.SEND)
        .header("ovirtCorrelationId", "4f1c2a4e")
        .header(StompHeaders.DESTINATION, "jms.topic.vdsm_requests")
        .header(StompHeaders.REPLY_TO, "jms.topic.vdsm_responses")
        .body(json)
        .build();
    wire = StompFrameEncoder.encode(frame);
    decoder = new EmbeddedChannel(new StompFrameDecoder());
  }

  @TearDown
  public void tearDown() {
    decoder.finishAndReleaseAll();
  }

  @Benchmark
  public Object stompDecode() {
    decoder.writeInbound(Unpooled.wrappedBuffer(wire));
    return decoder.readInbound();
  }

  @Benchmark
  public Object stompEncode() {
    ByteBuf out = Unpooled.wrappedBuffer(StompFrameEncoder.encode(frame));
    int n = out.readableBytes();
    out.release();
    return n;
  }

  @Benchmark
  public JsonRpcPayload jsonRpcDecode() {
    return JsonRpcCodec.decode(json);
  }
}

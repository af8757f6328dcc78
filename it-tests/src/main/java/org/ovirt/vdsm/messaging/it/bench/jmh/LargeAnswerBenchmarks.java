package org.ovirt.vdsm.messaging.it.bench.jmh;

import com.google.gson.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcLimits;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.jsonrpc.ResultValue;

/**
 * JMH micro benchmarks of the 145 KiB capabilities answer (issue 13), each side of the wire the
 * way it was (a Gson tree) and the ways it is now: the host writes a tree, streams a Java model, or
 * copies pre-encoded bytes; the engine builds a tree (and converts it to the type), or reads the
 * type straight from the bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LargeAnswerBenchmarks {
  private static final int MAX = 16 << 20;

  private final JsonRpcId id = new JsonRpcId.StringId("8a5b1c6e-2f4d-4e1a-9c3b-7d6e5f4a3b2c");
  private JsonObject tree;
  private ResultValue streamed;
  private ResultValue preEncoded;
  private byte[] body;

  @Setup
  public void setUp() {
    LargeResult.Capabilities model = LargeResult.model(200 * 1024);
    tree = LargeResult.capabilities(200 * 1024);
    streamed = ResultValue.of(model, LargeResult.Capabilities.class);
    preEncoded = ResultValue.preEncoded(tree);
    body = JsonRpcCodec.encode(JsonRpcResponse.success(id, tree));
  }

  /** The host before: the answer of a tree. */
  @Benchmark
  public byte[] hostEncodeTree() {
    return JsonRpcCodec.encodeSuccessWithin(id, ResultValue.of(tree), MAX).orElseThrow();
  }

  /** The host streaming a Java model into the answer's bytes. */
  @Benchmark
  public byte[] hostEncodeStreamed() {
    return JsonRpcCodec.encodeSuccessWithin(id, streamed, MAX).orElseThrow();
  }

  /** The host copying cached, pre-encoded bytes into the answer. */
  @Benchmark
  public byte[] hostEncodePreEncoded() {
    return JsonRpcCodec.encodeSuccessWithin(id, preEncoded, MAX).orElseThrow();
  }

  /** The engine before: a tree of the whole answer. */
  @Benchmark
  public JsonRpcPayload engineDecodeTree() {
    return JsonRpcCodec.decode(body);
  }

  /** The engine before, for a typed call: the tree, then converted to the type. */
  @Benchmark
  public Object engineDecodeTreeThenType() {
    JsonRpcResponse response = (JsonRpcResponse) ((JsonRpcPayload.Valid) JsonRpcCodec.decode(body).items().get(0)).message();
    return JsonRpcCodec.gson().fromJson(response.result(), LargeResult.Capabilities.class);
  }

  /** The engine now, for a typed call: the type read straight from the bytes. */
  @Benchmark
  public Object engineDecodeTyped() {
    return JsonRpcCodec.decodeTypedSuccess(body, i -> LargeResult.Capabilities.class, JsonRpcLimits.DEFAULTS).orElseThrow();
  }
}

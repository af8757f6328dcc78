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
 * type straight from the bytes. Then the JSON library question: the same answer written and read
 * by hand-written streaming code with Gson and with {@code jackson-core}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LargeAnswerBenchmarks {
  private static final int MAX = 16 << 20;

  private static final String ID = "8a5b1c6e-2f4d-4e1a-9c3b-7d6e5f4a3b2c";
  private final JsonRpcId id = new JsonRpcId.StringId(ID);
  private JsonObject tree;
  private ResultValue streamed;
  private ResultValue preEncoded;
  private byte[] body;

  private LargeResult.Capabilities model;

  @Setup
  public void setUp() {
    model = LargeResult.model(200 * 1024);
    tree = LargeResult.capabilities(200 * 1024);
    streamed = ResultValue.of(model, LargeResult.Capabilities.class);
    preEncoded = ResultValue.preEncoded(tree);
    body = JsonRpcCodec.encode(JsonRpcResponse.success(id, tree));
    // The JSON library comparison is only fair if every way writes and reads the same text.
    try {
      sameTextEveryWay();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void sameTextEveryWay() throws java.io.IOException {
    if (!java.util.Arrays.equals(GsonCapabilities.write(ID, model), body)
        || !java.util.Arrays.equals(JacksonCapabilities.write(ID, model), body)) {
      throw new IllegalStateException("the hand-written encodings differ from the codec's");
    }
    if (!GsonCapabilities.read(body).equals(model) || !JacksonCapabilities.read(body).equals(model)) {
      throw new IllegalStateException("a hand-written reading differs from the model");
    }
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

  // The JSON library question (issue 13): the same answer written and read by hand-written
  // streaming code, Gson's streaming API against jackson-core's, no reflection on either side.

  /** Gson's {@code JsonWriter}, members written by hand, into the project's UTF-8 buffer. */
  @Benchmark
  public byte[] gsonStreamWriteByHand() throws java.io.IOException {
    return GsonCapabilities.write(ID, model);
  }

  /** Gson's {@code JsonReader} over the body decoded to characters, members read by hand. */
  @Benchmark
  public Object gsonStreamReadByHand() throws java.io.IOException {
    return GsonCapabilities.read(body);
  }

  /** jackson-core's {@code JsonGenerator} straight to UTF-8 bytes, members written by hand. */
  @Benchmark
  public byte[] jacksonStreamWrite() throws java.io.IOException {
    return JacksonCapabilities.write(ID, model);
  }

  /** jackson-core's {@code JsonParser} straight over the UTF-8 bytes, members read by hand. */
  @Benchmark
  public Object jacksonStreamRead() throws java.io.IOException {
    return JacksonCapabilities.read(body);
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes {@link StompFrameDecoder} with arbitrary bytes (Jazzer; seed corpus and findings in {@code
 * StompFrameDecoderFuzzTestInputs}). Each input is decoded under the default limits and under small
 * ones, each time fed whole and in pseudo-random chunks derived from the input, and under the
 * default limits also one byte per read, and must:
 *
 * <ul>
 *   <li>throw nothing but {@link StompDecodeException}, once, and emit nothing after it (frames
 *       completed earlier in the same read come before it);
 *   <li>give the same frames and the same failure reason however it is split;
 *   <li>emit only frames within the limits (header count, body size);
 *   <li>release every buffer it was given;
 *   <li>emit frames that, re-encoded, decode to the same frame (up to the {@code content-length}
 *       the encoder writes), and whose re-encoding is a fixed point.
 * </ul>
 */
@Tag("fuzz")
class StompFrameDecoderFuzzTest {

  /** Small enough that fuzzed inputs reach every limit. */
  private static final StompDecoderLimits SMALL = new StompDecoderLimits(24, 3, 48, 64);

  @FuzzTest(maxDuration = "10m")
  void decodesArbitraryBytes(byte[] input) {
    for (StompDecoderLimits limits : List.of(StompDecoderLimits.DEFAULTS, SMALL)) {
      Outcome whole = decode(limits, List.of(input));
      if (limits == StompDecoderLimits.DEFAULTS) { // the costliest feed: once is enough
        assertThat(decode(limits, bytewise(input))).as("one byte per read").isEqualTo(whole);
      }
      assertThat(decode(limits, randomChunks(input))).as("random chunks").isEqualTo(whole);
      for (StompFrame frame : whole.frames) {
        assertWithinLimits(frame, limits);
        assertReencodes(frame, limits);
      }
    }
  }

  /** The frames emitted, in order, and the reason of the failure that ended the input, if any. */
  private record Outcome(List<StompFrame> frames, String failure) {}

  private static Outcome decode(StompDecoderLimits limits, List<byte[]> reads) {
    EmbeddedChannel channel = new EmbeddedChannel(new StompFrameDecoder(limits));
    List<ByteBuf> given = new ArrayList<>();
    List<StompFrame> frames = new ArrayList<>();
    String failure = null;
    try {
      for (byte[] read : reads) {
        ByteBuf buf = channel.alloc().buffer(read.length).writeBytes(read);
        given.add(buf);
        StompDecodeException thrown = null;
        try {
          channel.writeInbound(buf);
        } catch (StompDecodeException e) {
          thrown = e;
        }
        // Frames completed in the same read before a failure are passed on: they come first.
        drain(channel, frames, failure);
        if (thrown != null) {
          assertThat(failure).as("a second failure after " + failure).isNull();
          failure = thrown.reason();
        }
      }
      channel.finish();
      drain(channel, frames, failure);
    } finally {
      channel.finishAndReleaseAll();
    }
    for (ByteBuf buf : given) {
      assertThat(buf.refCnt()).as("a buffer given to the decoder was not released").isZero();
    }
    return new Outcome(frames, failure);
  }

  private static void drain(EmbeddedChannel channel, List<StompFrame> frames, String failure) {
    for (Object o; (o = channel.readInbound()) != null; ) {
      if (!(o instanceof StompFrame frame)) {
        fail("the decoder emitted " + o.getClass());
        return;
      }
      if (failure != null) {
        fail("a frame after the failure '" + failure + "': " + frame);
      }
      frames.add(frame);
    }
  }

  private static List<byte[]> bytewise(byte[] input) {
    List<byte[]> reads = new ArrayList<>(input.length);
    for (byte b : input) {
      reads.add(new byte[] {b});
    }
    return reads;
  }

  /** Chunks of 1 to 16 bytes, the sizes drawn from a generator seeded by the input itself. */
  private static List<byte[]> randomChunks(byte[] input) {
    SplittableRandom random = new SplittableRandom(Arrays.hashCode(input));
    List<byte[]> reads = new ArrayList<>();
    for (int at = 0; at < input.length; ) {
      int end = Math.min(input.length, at + 1 + random.nextInt(16));
      reads.add(Arrays.copyOfRange(input, at, end));
      at = end;
    }
    return reads;
  }

  private static void assertWithinLimits(StompFrame frame, StompDecoderLimits limits) {
    assertThat(frame.headers().size()).isLessThanOrEqualTo(limits.maxHeaderCount());
    assertThat(frame.body().length).isLessThanOrEqualTo(limits.maxBodyBytes());
    String length = frame.header(StompHeaders.CONTENT_LENGTH);
    if (length != null) {
      assertThat(Integer.parseInt(length)).as("the first content-length is the body's").isEqualTo(frame.body().length);
    }
  }

  /**
   * A decoded frame the encoder accepts must survive encode then decode; the encoder refuses only
   * what its contract names (a body on a command that may not have one).
   */
  private static void assertReencodes(StompFrame frame, StompDecoderLimits limits) {
    byte[] wire;
    try {
      wire = StompFrameEncoder.encode(frame);
    } catch (IllegalArgumentException e) {
      assertThat(frame.command().isBodyAllowed()).as("encoder refused %s: %s", frame, e.getMessage()).isFalse();
      assertThat(frame.body()).isNotEmpty();
      return;
    }
    // The encoder may add one content-length header: give it room.
    StompDecoderLimits roomy =
        new StompDecoderLimits(
            Math.max(limits.maxLineBytes(), 32),
            limits.maxHeaderCount() + 1,
            limits.maxHeaderBytes() + 32,
            limits.maxBodyBytes());
    Outcome again = decode(roomy, List.of(wire));
    assertThat(again.failure).as("re-encoded %s", frame).isNull();
    assertThat(again.frames).hasSize(1);
    StompFrame back = again.frames.get(0);
    assertThat(back.command()).isEqualTo(frame.command());
    assertThat(back.body()).isEqualTo(frame.body());
    assertThat(withoutContentLength(back)).isEqualTo(withoutContentLength(frame));
    assertThat(StompFrameEncoder.encode(back)).as("re-encoding is a fixed point").isEqualTo(wire);
  }

  private static List<Map.Entry<String, String>> withoutContentLength(StompFrame frame) {
    return frame.headers().stream().filter(h -> !h.getKey().equals(StompHeaders.CONTENT_LENGTH)).toList();
  }
}

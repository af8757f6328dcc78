package org.ovirt.vdsm.messaging.stomp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * Feeds reads to a {@link StompFrameDecoder} in an {@link EmbeddedChannel} and records, in order,
 * what came out: frames and decode failures.
 */
final class DecoderRun {
  final List<Object> events = new ArrayList<>();
  final long bytesScanned;

  private DecoderRun(StompDecoderLimits limits, List<byte[]> reads) {
    StompFrameDecoder decoder = new StompFrameDecoder(limits);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    try {
      for (byte[] read : reads) {
        ByteBuf buf = channel.alloc().buffer(read.length).writeBytes(read);
        try {
          channel.writeInbound(buf); // the decoder owns buf now
        } catch (StompDecodeException e) {
          drain(channel);
          events.add(e);
          continue;
        }
        drain(channel);
      }
      channel.finish();
      drain(channel);
    } finally {
      channel.finishAndReleaseAll();
    }
    bytesScanned = decoder.bytesScanned();
  }

  private void drain(EmbeddedChannel channel) {
    for (Object o; (o = channel.readInbound()) != null; ) {
      events.add(o);
    }
  }

  static DecoderRun feed(StompDecoderLimits limits, List<byte[]> reads) {
    return new DecoderRun(limits, reads);
  }

  static DecoderRun feed(List<byte[]> reads) {
    return feed(StompDecoderLimits.DEFAULTS, reads);
  }

  static DecoderRun whole(byte[] wire) {
    return feed(List.of(wire));
  }

  /** The frames emitted, in order. */
  List<StompFrame> frames() {
    List<StompFrame> frames = new ArrayList<>();
    for (Object o : events) {
      if (o instanceof StompFrame) {
        frames.add((StompFrame) o);
      }
    }
    return frames;
  }

  /** The failures thrown, in order. */
  List<StompDecodeException> failures() {
    List<StompDecodeException> failures = new ArrayList<>();
    for (Object o : events) {
      if (o instanceof StompDecodeException) {
        failures.add((StompDecodeException) o);
      }
    }
    return failures;
  }

  /** Everything recorded after the first failure. */
  List<Object> afterFirstFailure() {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof StompDecodeException) {
        return events.subList(i + 1, events.size());
      }
    }
    return List.of();
  }

  static List<byte[]> splitAt(byte[] wire, int offset) {
    return List.of(Arrays.copyOfRange(wire, 0, offset), Arrays.copyOfRange(wire, offset, wire.length));
  }

  static List<byte[]> chunks(byte[] wire, int size) {
    List<byte[]> reads = new ArrayList<>();
    for (int i = 0; i < wire.length; i += size) {
      reads.add(Arrays.copyOfRange(wire, i, Math.min(wire.length, i + size)));
    }
    return reads;
  }

  /** Text to bytes, one byte per char (chars must be below 256): raw bytes can be written as \\u00XX. */
  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}

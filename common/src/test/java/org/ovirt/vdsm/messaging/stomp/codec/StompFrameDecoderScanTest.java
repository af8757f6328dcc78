package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.chunks;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * How much work the decoder does: the exact number of bytes it examines for known inputs (each byte
 * of a command line, a header line and a NUL-terminated body once, plus the first byte of each frame
 * once more when it is checked for a heart-beat; never a {@code content-length} body), and that a
 * complete frame comes out of a single decode call.
 */
class StompFrameDecoderScanTest {

  static Stream<Arguments> scans() {
    return Stream.of(
        // S (heart-beat check) + "SEND\n" + "\n" + NUL
        Arguments.of("empty frame", "SEND\n\n\0", 8, 8),
        // + "a:1\n"
        Arguments.of("one header", "SEND\na:1\n\n\0", 12, 12),
        // CRLF lines: the CR is part of each line
        Arguments.of("CRLF lines", "SEND\r\na:1\r\n\r\n\0", 15, 15),
        // + "xyz" before the NUL
        Arguments.of("body to NUL", "SEND\n\nxyz\0", 11, 11),
        // the 3 bytes of the body are not searched, the octet after them is checked once
        Arguments.of("content-length body", "SEND\ncontent-length:3\n\nx\0z\0", 25, 25),
        // LF, CR (looked past to its LF) and S before the command; fed byte by byte, the CR is looked
        // at again when its LF arrives
        Arguments.of("heart-beats first", "\n\r\nSEND\n\n\0", 10, 11),
        // each frame's first byte twice
        Arguments.of("two frames", "SEND\n\n\0SEND\n\n\0", 16, 16),
        // a trailing EOL after the NUL is a heart-beat
        Arguments.of("frame and heart-beat", "SEND\n\n\0\n", 9, 9));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scans")
  void examinesEachByteOnce(String name, String wire, long whole, long bytewise) {
    DecoderRun all = DecoderRun.whole(latin1(wire));
    assertThat(all.failures()).isEmpty();
    assertThat(all.bytesScanned).as("read at once").isEqualTo(whole);
    DecoderRun split = DecoderRun.feed(chunks(latin1(wire), 1));
    assertThat(split.failures()).isEmpty();
    assertThat(split.frames()).isEqualTo(all.frames());
    assertThat(split.bytesScanned).as("read byte by byte").isEqualTo(bytewise);
  }

  @Test
  void countsBytesOfUnfinishedLinesOnce() {
    // "UNSUB" in pieces: the first byte twice (heart-beat check), then each byte once.
    DecoderRun run = DecoderRun.feed(List.of(latin1("UN"), latin1("SU"), latin1("B")));
    assertThat(run.events).isEmpty();
    assertThat(run.bytesScanned).isEqualTo(6);
  }

  @Test
  void decodesHeartBeatSplitBetweenItsCrAndLf() {
    DecoderRun run = DecoderRun.feed(List.of(latin1("\r"), latin1("\nSEND\n\n\0")));
    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).containsExactly(StompFrame.of(StompCommand.SEND));
    // the CR is looked at alone, then again with its LF
    assertThat(run.bytesScanned).isEqualTo(10);
  }

  @Test
  void decodesHeartBeatsAloneInTheirOwnReads() {
    DecoderRun run = DecoderRun.feed(List.of(latin1("\r\n"), latin1("\n"), latin1("SEND\n\n\0")));
    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).containsExactly(StompFrame.of(StompCommand.SEND));
    assertThat(run.bytesScanned).isEqualTo(10);
  }

  @Test
  void completesFrameInOneDecodeCall() {
    StompFrameDecoder decoder = new StompFrameDecoder();
    ByteBuf in = Unpooled.wrappedBuffer(latin1("\nSEND\na:1\n\nbody\0SEND\n\n\0"));
    try {
      List<Object> out = new ArrayList<>();
      decoder.decode(null, in, out);
      assertThat(out).containsExactly(StompFrame.builder(StompCommand.SEND).header("a", "1").body("body").build());
      assertThat(in.readerIndex()).isEqualTo(16);
      out.clear();
      decoder.decode(null, in, out);
      assertThat(out).containsExactly(StompFrame.of(StompCommand.SEND));
      assertThat(in.isReadable()).isFalse();
    } finally {
      in.release();
    }
  }

  @Test
  void completesContentLengthFrameInOneDecodeCall() {
    StompFrameDecoder decoder = new StompFrameDecoder();
    ByteBuf in = Unpooled.wrappedBuffer(latin1("SEND\ncontent-length:2\n\n\0\0\0"));
    try {
      List<Object> out = new ArrayList<>();
      decoder.decode(null, in, out);
      assertThat(out).containsExactly(StompFrame.builder(StompCommand.SEND).header("content-length", "2")
          .body(new byte[2]).build());
      assertThat(in.isReadable()).isFalse();
    } finally {
      in.release();
    }
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * {@link StompFrameDecoder#partialFrameBytes()}: what a frame begun and not finished holds, for the
 * budgets kept outside the codec. Exactly the buffered bytes while the command line is incomplete,
 * buffered plus parsed header bytes (at least 1) once the command is read, 0 between frames and after
 * a failure.
 */
class StompFrameDecoderPartialFrameTest {

  private final StompFrameDecoder decoder = new StompFrameDecoder();
  private final EmbeddedChannel ch = new EmbeddedChannel(decoder);

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private long after(String wire) {
    ch.writeInbound(Unpooled.wrappedBuffer(latin1(wire)));
    return decoder.partialFrameBytes();
  }

  @Test
  void nothingBeforeTheFirstByte() {
    assertThat(decoder.partialFrameBytes()).isZero();
  }

  @Test
  void anIncompleteCommandLineIsItsBufferedBytes() {
    assertThat(after("SE")).isEqualTo(2);
    assertThat(after("ND")).isEqualTo(4);
    assertThat(after("\r")).isEqualTo(5);
  }

  @Test
  void heartBeatsAloneHoldNothing() {
    assertThat(after("\n\r\n\n")).isZero();
  }

  @Test
  void aFrameWhoseCommandWasReadHoldsAtLeastOneByte() {
    assertThat(after("SEND\n")).isEqualTo(1);
  }

  @Test
  void parsedHeaderLinesCountWithoutTheirEols() {
    assertThat(after("SEND\nab:1\r\n")).isEqualTo(4);
    assertThat(after("c:22\n")).isEqualTo(8);
  }

  @Test
  void anUnfinishedHeaderLineAndBodyCountAsBuffered() {
    assertThat(after("SEND\nab:1\nc:")).isEqualTo(4 + 2);
    assertThat(after("2\n\nbod")).isEqualTo(4 + 3 + 3);
  }

  @Test
  void aContentLengthBodyCountsAsBuffered() {
    assertThat(after("SEND\ncontent-length:4\n\nab")).isEqualTo(16 + 2);
  }

  @Test
  void nothingOnceTheFrameIsComplete() {
    assertThat(after("SEND\nab:1\n\nbody\0")).isZero();
    assertThat((Object) ch.readInbound()).isInstanceOf(StompFrame.class);
    assertThat(after("\n")).isZero();
  }

  @Test
  void nothingAfterAFailureThoughBytesKeepComing() {
    assertThat(after("SEND\nab:1\n")).isEqualTo(4);
    assertThatThrownBy(() -> after("novalue\n")).isInstanceOf(StompDecodeException.class);
    assertThat(decoder.partialFrameBytes()).isZero();
    assertThat(after("more bytes")).isZero();
  }
}

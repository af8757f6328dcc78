package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * Decoder edges found by mutation testing: a header line after a longer one, the first of two
 * {@code content-length} headers when it is 0, {@code content-length:0} with bytes before the NUL, a
 * body found by its own NUL when it arrives in pieces after an earlier frame of the same buffer, and
 * 'Z' (a capital letter) in an unfinished command line.
 */
class StompFrameDecoderEdgesTest {

  @Test
  void aHeaderLineWithoutAColonAfterALongerOneWithAColonIsRefused() {
    // The second line is decoded in the memory of the first ("ab:x"): only its own 2 bytes count.
    DecoderRun run = DecoderRun.whole(latin1("SEND\nab:x\nab\n\n\0"));
    assertThat(run.failures()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(StompDecodeException.MALFORMED_HEADER);
      assertThat(e.detail()).isEqualTo("header line without a colon: 'ab'");
    });
  }

  @Test
  void theFirstContentLengthRulesEvenWhenItIsZero() {
    DecoderRun run = DecoderRun.whole(latin1("SEND\ncontent-length:0\ncontent-length:5\n\n\0"));
    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).singleElement().satisfies(f -> {
      assertThat(f.body()).isEmpty();
      assertThat(f.headers()).hasSize(2);
    });
  }

  @Test
  void contentLengthZeroWantsTheNulRightAfterTheBlankLine() {
    DecoderRun run = DecoderRun.whole(latin1("SEND\ncontent-length:0\n\nabc\0"));
    assertThat(run.frames()).isEmpty();
    assertThat(run.failures()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(StompDecodeException.MISSING_NUL);
      assertThat(e.detail()).isEqualTo("the octet after a body of content-length 0 is not NUL");
    });
  }

  @Test
  void aBodyArrivingInPiecesEndsAtItsOwnNulNotAnEarlierFramesOne() {
    // The first read holds a whole frame and 8 bytes of the next body; the earlier NUL is still in
    // the decoder's buffer, 7 bytes before the second body.
    DecoderRun run = DecoderRun.feed(List.of(latin1("SEND\n\na\0SEND\n\nbcdefghi"), latin1("j\0")));
    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).containsExactly(
        StompFrame.builder(StompCommand.SEND).body("a").build(),
        StompFrame.builder(StompCommand.SEND).body("bcdefghij").build());
  }

  @Test
  void aCapitalZInAnUnfinishedCommandIsNotRefusedBeforeItsEol() {
    // Only bytes that are no capital letter refuse an unfinished command line at once.
    assertThat(DecoderRun.whole(latin1("SUBZ")).events).isEmpty();
    assertThat(DecoderRun.whole(latin1("A")).events).isEmpty();
    DecoderRun complete = DecoderRun.feed(List.of(latin1("SUBZ"), latin1("\n\n\0")));
    assertThat(complete.failures()).singleElement().satisfies(e ->
        assertThat(e.detail()).isEqualTo("unknown command 'SUBZ' (commands are case sensitive)"));
  }
}

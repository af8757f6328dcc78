package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.chunks;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.BODY_TOO_LARGE;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.HEADERS_TOO_LARGE;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.LINE_TOO_LONG;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.TOO_MANY_HEADERS;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.UNKNOWN_COMMAND;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every limit of {@link StompFrameDecoder}, exactly at the limit (accepted) and one byte over (refused
 * with the limit's reason and a detail naming it), whole and fed one byte at a time; and how soon an
 * incomplete line is refused.
 */
class StompFrameDecoderLimitsTest {

  /** Lines of 32 bytes, 2 headers, 20 bytes of headers, 16 bytes of body. */
  private static final StompDecoderLimits SMALL =
      StompDecoderLimits.DEFAULTS
          .withMaxLineBytes(32)
          .withMaxHeaderCount(2)
          .withMaxHeaderBytes(20)
          .withMaxBodyBytes(16);

  /** SMALL with room for one long line, so that only the line limit applies. */
  private static final StompDecoderLimits LINE_ONLY = SMALL.withMaxHeaderBytes(1000);

  static Stream<Arguments> atTheLimit() {
    return Stream.of(
        Arguments.of("longest command line", SMALL, "UNSUBSCRIBE\nid:1\n\n\0"),
        Arguments.of("longest command line, CRLF", SMALL, "UNSUBSCRIBE\r\nid:1\r\n\r\n\0"),
        Arguments.of("header line of 32 bytes", LINE_ONLY, "SEND\nfoo:" + "x".repeat(28) + "\n\n\0"),
        Arguments.of("header line of 32 bytes, CRLF", LINE_ONLY, "SEND\r\nfoo:" + "x".repeat(28) + "\r\n\r\n\0"),
        Arguments.of("2 headers", SMALL, "SEND\na:1\nb:2\n\n\0"),
        Arguments.of("20 bytes of headers", SMALL, "SEND\na:123456789\nb:1234567\n\n\0"),
        Arguments.of("20 bytes of headers in one line", SMALL, "SEND\na:" + "x".repeat(18) + "\n\n\0"),
        Arguments.of("body of 16 bytes", SMALL, "SEND\n\n" + "b".repeat(16) + "\0"),
        Arguments.of("content-length 16", SMALL, "SEND\ncontent-length:16\n\n" + "\0".repeat(16) + "\0"),
        Arguments.of("no body allowed, none sent", SMALL.withMaxBodyBytes(0), "SEND\n\n\0"),
        Arguments.of("no body allowed, content-length 0", SMALL.withMaxBodyBytes(0), "SEND\ncontent-length:0\n\n\0"),
        Arguments.of("one header allowed", SMALL.withMaxHeaderCount(1), "SEND\na:1\n\n\0"),
        Arguments.of("one header byte allowed", SMALL.withMaxHeaderBytes(1), "SEND\n\n\0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("atTheLimit")
  void acceptsFrameExactlyAtLimit(String name, StompDecoderLimits limits, String wire) {
    DecoderRun whole = DecoderRun.feed(limits, List.of(latin1(wire)));
    assertThat(whole.failures()).isEmpty();
    assertThat(whole.frames()).hasSize(1);
    DecoderRun bytewise = DecoderRun.feed(limits, chunks(latin1(wire), 1));
    assertThat(bytewise.events).isEqualTo(whole.events);
  }

  static Stream<Arguments> oneOverTheLimit() {
    return Stream.of(
        Arguments.of("command line of 12 bytes", SMALL, "UNSUBSCRIBES\n\n\0", UNKNOWN_COMMAND,
            "the command line is longer than any STOMP command"),
        Arguments.of("header line of 33 bytes", LINE_ONLY, "SEND\nfoo:" + "x".repeat(29) + "\n\n\0", LINE_TOO_LONG,
            "a header line exceeds 32 bytes"),
        Arguments.of("header line of 33 bytes, CRLF", LINE_ONLY, "SEND\r\nfoo:" + "x".repeat(29) + "\r\n\r\n\0",
            LINE_TOO_LONG, "a header line exceeds 32 bytes"),
        Arguments.of("3 headers", SMALL, "SEND\na:1\nb:2\nc:3\n\n\0", TOO_MANY_HEADERS, "a frame has more than 2 headers"),
        Arguments.of("2 headers when one is allowed", SMALL.withMaxHeaderCount(1), "SEND\na:1\nb:2\n\n\0",
            TOO_MANY_HEADERS, "a frame has more than 1 headers"),
        Arguments.of("21 bytes of headers", SMALL, "SEND\na:123456789\nb:12345678\n\n\0", HEADERS_TOO_LARGE,
            "the header lines of a frame exceed 20 bytes"),
        Arguments.of("21 bytes of headers in one line", SMALL, "SEND\na:" + "x".repeat(19) + "\n\n\0",
            HEADERS_TOO_LARGE, "the header lines of a frame exceed 20 bytes"),
        Arguments.of("body of 17 bytes", SMALL, "SEND\n\n" + "b".repeat(17) + "\0", BODY_TOO_LARGE,
            "a body without content-length exceeds the limit of 16 bytes"),
        Arguments.of("content-length 17", SMALL, "SEND\ncontent-length:17\n\n" + "\0".repeat(17) + "\0",
            BODY_TOO_LARGE, "content-length 17 exceeds the limit of 16 bytes"),
        Arguments.of("body of 1 byte when none is allowed", SMALL.withMaxBodyBytes(0), "SEND\n\nb\0", BODY_TOO_LARGE,
            "a body without content-length exceeds the limit of 0 bytes"),
        Arguments.of("content-length 1 when no body is allowed", SMALL.withMaxBodyBytes(0),
            "SEND\ncontent-length:1\n\nb\0", BODY_TOO_LARGE, "content-length 1 exceeds the limit of 0 bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneOverTheLimit")
  void refusesFrameOneByteOverLimit(String name, StompDecoderLimits limits, String wire, String reason, String detail) {
    assertRefused(DecoderRun.feed(limits, List.of(latin1(wire))), reason, detail);
    assertRefused(DecoderRun.feed(limits, chunks(latin1(wire), 1)), reason, detail);
  }

  @Test
  void reportsLineOverBothLineLimitAndHeaderBudgetAsLineTooLong() {
    // The budget left for headers equals the line limit: the line limit is what the line broke.
    StompDecoderLimits limits = SMALL.withMaxHeaderBytes(32);
    String wire = "SEND\nfoo:" + "x".repeat(29) + "\n\n\0";
    assertRefused(DecoderRun.feed(limits, List.of(latin1(wire))), LINE_TOO_LONG, "a header line exceeds 32 bytes");
  }

  @Test
  void reportsLineWithinLineLimitButOverHeaderBudgetAsHeadersTooLarge() {
    StompDecoderLimits limits = SMALL.withMaxHeaderBytes(31);
    String wire = "SEND\nfoo:" + "x".repeat(28) + "\n\n\0";
    assertRefused(
        DecoderRun.feed(limits, List.of(latin1(wire))), HEADERS_TOO_LARGE, "the header lines of a frame exceed 31 bytes");
  }

  // ---- incomplete lines: kept while they can still fit, refused as soon as they cannot ----

  @Test
  void waitsForEolOfCommandLineOfLongestCommandLength() {
    assertThat(DecoderRun.feed(SMALL, List.of(latin1("UNSUBSCRIBE"))).events).isEmpty();
    assertThat(DecoderRun.feed(SMALL, List.of(latin1("UNSUBSCRIBE\r"))).events).isEmpty();
  }

  @Test
  void refusesCommandLineWithoutEolOneByteOverLongestCommand() {
    assertRefused(DecoderRun.feed(SMALL, List.of(latin1("UNSUBSCRIBES"))), UNKNOWN_COMMAND,
        "the command line is longer than any STOMP command");
    assertRefused(DecoderRun.feed(SMALL, List.of(latin1("UNSUBSCRIBE\rX"))), UNKNOWN_COMMAND,
        "the command line is longer than any STOMP command");
  }

  @Test
  void waitsForEolOfHeaderLineAtLineLimit() {
    String atLimit = "SEND\nfoo:" + "x".repeat(28);
    assertThat(DecoderRun.feed(LINE_ONLY, List.of(latin1(atLimit))).events).isEmpty();
    assertThat(DecoderRun.feed(LINE_ONLY, List.of(latin1(atLimit + "\r"))).events).isEmpty();
    assertThat(DecoderRun.feed(LINE_ONLY, chunks(latin1(atLimit + "\r"), 1)).events).isEmpty();
  }

  @Test
  void refusesHeaderLineWithoutEolOneByteOverLineLimit() {
    String atLimit = "SEND\nfoo:" + "x".repeat(28);
    assertRefused(DecoderRun.feed(LINE_ONLY, List.of(latin1(atLimit + "x"))), LINE_TOO_LONG,
        "a header line exceeds 32 bytes");
    assertRefused(DecoderRun.feed(LINE_ONLY, List.of(latin1(atLimit + "\rx"))), LINE_TOO_LONG,
        "a header line exceeds 32 bytes");
    assertRefused(DecoderRun.feed(LINE_ONLY, chunks(latin1(atLimit + "\rx"), 1)), LINE_TOO_LONG,
        "a header line exceeds 32 bytes");
  }

  @Test
  void refusesFirstByteOfHeaderBeyondHeaderCount() {
    // After the last allowed header only the blank line may come: one byte that cannot start it is enough.
    assertRefused(DecoderRun.feed(SMALL, List.of(latin1("SEND\na:1\nb:2\nc"))), TOO_MANY_HEADERS,
        "a frame has more than 2 headers");
    assertThat(DecoderRun.feed(SMALL, List.of(latin1("SEND\na:1\nb:2\n\r"))).events).isEmpty();
  }

  @Test
  void refusesHeaderBytesBeyondBudgetBeforeTheirEol() {
    // 11 bytes used, 9 left: the tenth byte of an unfinished line is refused.
    assertThat(DecoderRun.feed(SMALL, List.of(latin1("SEND\na:123456789\nb:1234567"))).events).isEmpty();
    assertRefused(DecoderRun.feed(SMALL, List.of(latin1("SEND\na:123456789\nb:12345678"))), HEADERS_TOO_LARGE,
        "the header lines of a frame exceed 20 bytes");
  }

  @Test
  void waitsForNulOfBodyAtBodyLimit() {
    assertThat(DecoderRun.feed(SMALL, List.of(latin1("SEND\n\n" + "b".repeat(16)))).events).isEmpty();
    assertThat(DecoderRun.feed(SMALL, chunks(latin1("SEND\n\n" + "b".repeat(16)), 1)).events).isEmpty();
  }

  @Test
  void waitsForNulAfterContentLengthBody() {
    // All 16 bytes of the body have arrived, the NUL has not: nothing yet, and no failure.
    byte[] head = latin1("SEND\ncontent-length:16\n\n" + "b".repeat(16));
    assertThat(DecoderRun.feed(SMALL, List.of(head)).events).isEmpty();
    DecoderRun completed = DecoderRun.feed(SMALL, List.of(head, new byte[] {0}));
    assertThat(completed.failures()).isEmpty();
    assertThat(completed.frames()).singleElement().satisfies(f -> assertThat(f.bodyAsString()).isEqualTo("b".repeat(16)));
  }

  private static void assertRefused(DecoderRun run, String reason, String detail) {
    assertThat(run.failures()).as("failures").hasSize(1);
    StompDecodeException failure = run.failures().get(0);
    assertThat(failure.reason()).isEqualTo(reason);
    assertThat(failure.detail()).isEqualTo(detail);
    assertThat(run.frames()).as("frames").isEmpty();
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.chunks;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.concat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.splitAt;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.BODY_TOO_LARGE;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.EMPTY_HEADER_NAME;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.HEADERS_TOO_LARGE;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.INVALID_CONTENT_LENGTH;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.LINE_TOO_LONG;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.MALFORMED_HEADER;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.MALFORMED_UTF8;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.MISSING_NUL;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.TOO_MANY_HEADERS;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.UNDEFINED_ESCAPE;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.UNKNOWN_COMMAND;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompVectors;
import org.ovirt.vdsm.messaging.stomp.StompVectors.Vector;

class StompFrameDecoderTest {

  private static final byte[] VALID_FRAME = latin1("SEND\ndestination:/queue/a\n\nafter\0");

  private static final StompDecoderLimits SMALL =
      StompDecoderLimits.DEFAULTS
          .withMaxLineBytes(32)
          .withMaxHeaderCount(2)
          .withMaxHeaderBytes(20)
          .withMaxBodyBytes(16);

  static List<Vector> vectors() {
    return StompVectors.all();
  }

  // ---- the vectors, whole, split at every offset, byte by byte ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decodesVector(Vector v) {
    DecoderRun run = DecoderRun.whole(v.wire());
    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).containsExactly(v.frame());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decodesVectorSplitAtEveryOffset(Vector v) {
    byte[] wire = v.wire();
    for (int offset = 1; offset < wire.length; offset++) {
      DecoderRun run = DecoderRun.feed(splitAt(wire, offset));
      assertThat(run.events).as("split at %d", offset).containsExactly(v.frame());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decodesVectorOneByteAtATime(Vector v) {
    DecoderRun run = DecoderRun.feed(chunks(v.wire(), 1));
    assertThat(run.events).containsExactly(v.frame());
  }

  @Test
  void decodesEveryVectorInOneReadWithHeartBeatsBetween() {
    List<byte[]> parts = new ArrayList<>();
    List<StompFrame> expected = new ArrayList<>();
    parts.add(latin1("\n\r\n"));
    for (Vector v : StompVectors.all()) {
      parts.add(v.wire());
      parts.add(latin1("\n\r\n\n"));
      expected.add(v.frame());
    }
    byte[] stream = concat(parts.toArray(new byte[0][]));

    assertThat(DecoderRun.whole(stream).events).containsExactlyElementsOf(expected);
    assertThat(DecoderRun.feed(chunks(stream, 7)).events).containsExactlyElementsOf(expected);
    assertThat(DecoderRun.feed(chunks(stream, 1)).events).containsExactlyElementsOf(expected);
  }

  // ---- frame grammar, one test per clause ----

  @Test
  void emitsFrameAsSoonAsItsNulArrives() {
    EmbeddedChannel channel = new EmbeddedChannel(new StompFrameDecoder());
    channel.writeInbound(Unpooled.wrappedBuffer(StompVectors.ENGINE_SEND.wire()));
    assertThat((Object) channel.readInbound()).isEqualTo(StompVectors.ENGINE_SEND.frame());
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void skipsHeartBeatsBeforeAndAfterFrames() {
    DecoderRun run =
        DecoderRun.whole(latin1("\n\n\r\n" + "RECEIPT\nreceipt-id:1\n\n\0" + "\r\n\n" + "RECEIPT\nreceipt-id:2\n\n\0\n"));
    assertThat(run.events)
        .containsExactly(
            StompFrame.builder(StompCommand.RECEIPT).header("receipt-id", "1").build(),
            StompFrame.builder(StompCommand.RECEIPT).header("receipt-id", "2").build());
  }

  @Test
  void emitsNothingForHeartBeatsAlone() {
    assertThat(DecoderRun.feed(chunks(latin1("\n\r\n\n\r\n"), 1)).events).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StompCommand.class)
  void acceptsEveryCommand(StompCommand command) {
    assertThat(DecoderRun.whole(latin1(command.name() + "\n\n\0")).events).containsExactly(StompFrame.of(command));
  }

  @Test
  void rejectsLowercaseCommand() {
    assertFailure(DecoderRun.whole(latin1("send\ndestination:/a\n\n\0")), UNKNOWN_COMMAND);
  }

  @Test
  void rejectsUnknownCommandAsSoonAsItIsLongerThanAnyCommand() {
    DecoderRun run = DecoderRun.feed(List.of(latin1("POST /RPC2 HT")));
    assertFailure(run, UNKNOWN_COMMAND);
  }

  @Test
  void splitsHeaderAtFirstColon() {
    DecoderRun run = DecoderRun.whole(latin1("MESSAGE\nurl:http://h:8080/x\n\n\0"));
    assertThat(run.frames()).singleElement().satisfies(f -> assertThat(f.header("url")).isEqualTo("http://h:8080/x"));
  }

  @Test
  void acceptsEmptyHeaderValue() {
    assertThat(DecoderRun.whole(latin1("SEND\nfoo:\n\n\0")).frames())
        .containsExactly(StompFrame.builder(StompCommand.SEND).header("foo", "").build());
  }

  @Test
  void unescapesHeadersOfEscapingFrames() {
    DecoderRun run = DecoderRun.whole(latin1("MESSAGE\na\\\\b\\cc:1\\n2\\r3\\c4\\\\5\n\n\0"));
    assertThat(run.frames())
        .containsExactly(StompFrame.builder(StompCommand.MESSAGE).header("a\\b:c", "1\n2\r3:4\\5").build());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = StompCommand.class, names = {"CONNECT", "STOMP", "CONNECTED"})
  void keepsBackslashesLiteralInConnectFrames(StompCommand command) {
    DecoderRun run = DecoderRun.whole(latin1(command + "\nlogin:a\\tb\\c\\n\\\n\n\0"));
    assertThat(run.frames()).containsExactly(StompFrame.builder(command).header("login", "a\\tb\\c\\n\\").build());
  }

  @Test
  void rejectsUndefinedEscape() {
    assertFailure(DecoderRun.whole(latin1("SEND\nfoo:a\\tb\n\n\0")), UNDEFINED_ESCAPE);
  }

  @Test
  void rejectsLoneTrailingBackslash() {
    assertFailure(DecoderRun.whole(latin1("SEND\nfoo:ab\\\n\n\0")), UNDEFINED_ESCAPE);
  }

  @Test
  void keepsRepeatedHeadersInOrderAndFirstWins() {
    StompFrame f = DecoderRun.whole(StompVectors.REPEATED_HEADERS.wire()).frames().get(0);
    assertThat(f.header("foo")).isEqualTo("first");
    assertThat(f.headers()).extracting(h -> h.getKey() + "=" + h.getValue()).endsWith("foo=first", "foo=second");
  }

  @Test
  void readsContentLengthBytesWhateverTheyContain() {
    StompFrame f = DecoderRun.whole(StompVectors.BODY_WITH_NUL.wire()).frames().get(0);
    assertThat(f.body()).containsExactly('a', 0, 'b', 0, 'c');
  }

  @Test
  void firstContentLengthWins() {
    DecoderRun run = DecoderRun.whole(latin1("SEND\ncontent-length:3\ncontent-length:1\n\na\0c\0"));
    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).singleElement().satisfies(f -> assertThat(f.body()).containsExactly('a', 0, 'c'));
  }

  @Test
  void endsBodyAtFirstNulWithoutContentLength() {
    DecoderRun run = DecoderRun.whole(latin1("SEND\n\nab\0cd\0"));
    // "cd" is not a command: the second "frame" is refused.
    assertThat(run.frames()).singleElement().satisfies(f -> assertThat(f.bodyAsString()).isEqualTo("ab"));
    assertFailure(run, UNKNOWN_COMMAND);
  }

  @Test
  void acceptsBodyOnCommandThatMustNotSendOne() {
    // Liberal: "MUST NOT have a body" binds the sender; the receiver keeps what it got.
    DecoderRun run = DecoderRun.whole(latin1("SUBSCRIBE\nid:1\n\nx\0"));
    assertThat(run.frames()).singleElement().satisfies(f -> assertThat(f.bodyAsString()).isEqualTo("x"));
  }

  @Test
  void refusesAnnouncedBodyOverLimitWhenHeaderIsRead() {
    DecoderRun run = DecoderRun.feed(List.of(latin1("SEND\ncontent-length:1073741824\n")));
    assertFailure(run, BODY_TOO_LARGE);
  }

  @Test
  void refusesLineWithoutEolAsSoonAsItExceedsLimit() {
    StompDecoderLimits limits = StompDecoderLimits.DEFAULTS.withMaxLineBytes(32);
    String atLimit = "foo:" + "x".repeat(28);
    DecoderRun waiting = DecoderRun.feed(limits, List.of(latin1("SEND\n" + atLimit), latin1("\r")));
    assertThat(waiting.events).isEmpty();
    DecoderRun refused = DecoderRun.feed(limits, List.of(latin1("SEND\n" + atLimit + "x")));
    assertFailure(refused, LINE_TOO_LONG);
    DecoderRun refusedAfterCr = DecoderRun.feed(limits, List.of(latin1("SEND\n" + atLimit + "\r"), latin1("x")));
    assertFailure(refusedAfterCr, LINE_TOO_LONG);
  }

  @Test
  void refusesBodyWithoutNulAsSoonAsItExceedsLimit() {
    StompDecoderLimits limits = StompDecoderLimits.DEFAULTS.withMaxBodyBytes(16);
    assertThat(DecoderRun.feed(limits, List.of(latin1("SEND\n\n" + "b".repeat(16)))).events).isEmpty();
    assertFailure(DecoderRun.feed(limits, List.of(latin1("SEND\n\n" + "b".repeat(17)))), BODY_TOO_LARGE);
  }

  // ---- failures ----

  static Stream<Arguments> invalidFrames() {
    StompDecoderLimits d = StompDecoderLimits.DEFAULTS;
    return Stream.of(
        row("unknown command", d, "FOO\n\n\0", UNKNOWN_COMMAND),
        row("lowercase command", d, "connect\naccept-version:1.2\n\n\0", UNKNOWN_COMMAND),
        row("command with trailing blank", d, "SEND \n\n\0", UNKNOWN_COMMAND),
        row("HTTP request line", d, "POST /RPC2 HTTP/1.1\r\nHost: h\r\n\r\n", UNKNOWN_COMMAND),
        row("CR that is not an EOL before a frame", d, "\rSEND\n\n\0", UNKNOWN_COMMAND),
        row("undefined escape \\t", d, "SEND\nfoo:a\\tb\n\n\0", UNDEFINED_ESCAPE),
        row("undefined escape in a name", d, "MESSAGE\nf\\oo:x\n\n\0", UNDEFINED_ESCAPE),
        row("lone trailing backslash", d, "SEND\nfoo:ab\\\n\n\0", UNDEFINED_ESCAPE),
        row("content-length not a number", d, "SEND\ncontent-length:abc\n\n\0", INVALID_CONTENT_LENGTH),
        row("negative content-length", d, "SEND\ncontent-length:-1\n\n\0", INVALID_CONTENT_LENGTH),
        row("content-length with a sign", d, "SEND\ncontent-length:+1\n\nx\0", INVALID_CONTENT_LENGTH),
        row("content-length with a blank", d, "SEND\ncontent-length: 1\n\nx\0", INVALID_CONTENT_LENGTH),
        row("empty content-length", d, "SEND\ncontent-length:\n\n\0", INVALID_CONTENT_LENGTH),
        row("huge content-length", d, "SEND\ncontent-length:99999999999999999999999\n\n\0", BODY_TOO_LARGE),
        row("content-length one over the limit", SMALL, "SEND\ncontent-length:17\n\n", BODY_TOO_LARGE),
        row("no NUL after content-length body", d, "SEND\ncontent-length:2\n\nabc\0", MISSING_NUL),
        row("header without colon", d, "SEND\nfoo\n\n\0", MALFORMED_HEADER),
        row("raw CR inside a header", d, "SEND\nfoo:a\rb\n\n\0", MALFORMED_HEADER),
        row("empty header name", d, "SEND\n:foo\n\n\0", EMPTY_HEADER_NAME),
        row("malformed UTF-8", d, "SEND\nfoo:\u00c3\u0028\n\n\0", MALFORMED_UTF8),
        row("overlong UTF-8", d, "SEND\nfoo:\u00c0\u00af\n\n\0", MALFORMED_UTF8),
        row("UTF-8 encoded surrogate", d, "SEND\n\u00ed\u00a0\u0080:x\n\n\0", MALFORMED_UTF8),
        row("truncated UTF-8", d, "CONNECT\nhost:\u00e6\u0097\n\n\0", MALFORMED_UTF8),
        row("line one over the limit", SMALL.withMaxHeaderBytes(100), "SEND\nfoo:" + "x".repeat(29) + "\n\n\0", LINE_TOO_LONG),
        row("one header over the count", SMALL, "SEND\na:1\nb:2\nc:3\n\n\0", TOO_MANY_HEADERS),
        row("header bytes one over the limit", SMALL, "SEND\na:123456789\nb:12345678\n\n\0", HEADERS_TOO_LARGE),
        row("body one over the limit", SMALL, "SEND\n\n" + "b".repeat(17) + "\0", BODY_TOO_LARGE));
  }

  private static Arguments row(String name, StompDecoderLimits limits, String wire, String reason) {
    return Arguments.of(name, limits, latin1(wire), reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFrames")
  void refusesInvalidFrame(String name, StompDecoderLimits limits, byte[] wire, String reason) {
    DecoderRun run = DecoderRun.feed(limits, List.of(wire, VALID_FRAME, VALID_FRAME));
    assertFailure(run, reason);
    assertThat(run.failures().get(0).toErrorFrame().header("message")).isEqualTo(reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFrames")
  void refusesInvalidFrameFedOneByteAtATime(String name, StompDecoderLimits limits, byte[] wire, String reason) {
    List<byte[]> reads = new ArrayList<>(chunks(wire, 1));
    reads.add(VALID_FRAME);
    assertFailure(DecoderRun.feed(limits, reads), reason);
  }

  static Stream<Arguments> framesAtTheLimits() {
    return Stream.of(
        Arguments.of("line at the limit", "SEND\nfoo:" + "x".repeat(28) + "\n\n\0"),
        Arguments.of("line at the limit, CRLF", "SEND\r\nfoo:" + "x".repeat(28) + "\r\n\r\n\0"),
        Arguments.of("header count at the limit", "SEND\na:1\nb:2\n\n\0"),
        Arguments.of("header bytes at the limit", "SEND\na:123456789\nb:1234567\n\n\0"),
        Arguments.of("body at the limit", "SEND\n\n" + "b".repeat(16) + "\0"),
        Arguments.of("content-length at the limit", "SEND\ncontent-length:16\n\n" + "\0".repeat(16) + "\0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("framesAtTheLimits")
  void acceptsFrameExactlyAtLimit(String name, String wire) {
    StompDecoderLimits limits = name.startsWith("line") ? SMALL.withMaxHeaderBytes(100) : SMALL;
    DecoderRun whole = DecoderRun.feed(limits, List.of(latin1(wire)));
    assertThat(whole.failures()).isEmpty();
    assertThat(whole.frames()).hasSize(1);
    DecoderRun bytewise = DecoderRun.feed(limits, chunks(latin1(wire), 1));
    assertThat(bytewise.events).isEqualTo(whole.events);
  }

  @Test
  void throwsOnceThenDiscardsEverything() {
    DecoderRun run =
        DecoderRun.feed(List.of(latin1("BOGUS\n\n\0"), VALID_FRAME, latin1("ALSO BOGUS\n"), VALID_FRAME));
    assertThat(run.failures()).hasSize(1);
    assertThat(run.afterFirstFailure()).isEmpty();
  }

  @Test
  void passesOnFramesDecodedBeforeFailureInSameRead() {
    DecoderRun run = DecoderRun.whole(concat(StompVectors.RECEIPT.wire(), StompVectors.DISCONNECT.wire(), latin1("nope\n")));
    assertThat(run.events).hasSize(3);
    assertThat(run.frames()).containsExactly(StompVectors.RECEIPT.frame(), StompVectors.DISCONNECT.frame());
    assertFailure(run, UNKNOWN_COMMAND);
  }

  // ---- linear work ----

  @Test
  @Tag("slow") // 16 MiB: left out of the mutation run, where StompFrameDecoderScanTest counts exactly
  void scansBodyWithoutContentLengthOnce() {
    int size = StompDecoderLimits.DEFAULT_MAX_BODY_BYTES;
    byte[] head = latin1("SEND\ndestination:/queue/big\n\n");
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) 'x');
    byte[] wire = concat(head, body, new byte[] {0});

    DecoderRun run = DecoderRun.feed(chunks(wire, 1024));

    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).singleElement().satisfies(f -> assertThat(f.body()).isEqualTo(body));
    // Each byte is examined once (plus the first byte of the frame, checked for a heart-beat).
    assertThat(run.bytesScanned).isLessThanOrEqualTo(wire.length + 1L);
  }

  @Test
  @Tag("slow") // 16 MiB: left out of the mutation run, where StompFrameDecoderScanTest counts exactly
  void neverScansContentLengthBody() {
    int size = StompDecoderLimits.DEFAULT_MAX_BODY_BYTES;
    byte[] head = latin1("SEND\ndestination:/queue/big\ncontent-length:" + size + "\n\n");
    byte[] body = new byte[size];
    IntStream.range(0, size).forEach(i -> body[i] = (byte) i);
    byte[] wire = concat(head, body, new byte[] {0});

    DecoderRun run = DecoderRun.feed(chunks(wire, 1024));

    assertThat(run.failures()).isEmpty();
    assertThat(run.frames()).singleElement().satisfies(f -> assertThat(f.body()).isEqualTo(body));
    // The head once, the NUL after the body once, and nothing of the body.
    assertThat(run.bytesScanned).isLessThanOrEqualTo(head.length + 2L);
  }

  private static void assertFailure(DecoderRun run, String reason) {
    assertThat(run.failures()).as("failures").hasSize(1);
    assertThat(run.failures().get(0).reason()).isEqualTo(reason);
    assertThat(run.afterFirstFailure()).as("emitted after the failure").isEmpty();
  }
}

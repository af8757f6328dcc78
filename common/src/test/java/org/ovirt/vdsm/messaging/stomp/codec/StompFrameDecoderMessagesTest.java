package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.chunks;
import static org.ovirt.vdsm.messaging.stomp.codec.DecoderRun.latin1;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.EMPTY_HEADER_NAME;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.INVALID_CONTENT_LENGTH;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.MALFORMED_HEADER;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.MALFORMED_UTF8;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.MISSING_NUL;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.UNDEFINED_ESCAPE;
import static org.ovirt.vdsm.messaging.stomp.codec.StompDecodeException.UNKNOWN_COMMAND;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The detail of every decode failure names the offending bytes: control characters (below 0x20, and
 * DEL) as {@code \xNN} escapes, everything else as it is, at most 64 characters followed by "...";
 * header lines decoded leniently from UTF-8 so that the peer can recognise what it sent.
 */
class StompFrameDecoderMessagesTest {

  static Stream<Arguments> failures() {
    String x64 = "x".repeat(64);
    return Stream.of(
        row("unknown command", "FOO\n\n\0", UNKNOWN_COMMAND, "unknown command 'FOO' (commands are case sensitive)"),
        row("unfinished line that is no command", "SEn", UNKNOWN_COMMAND, "not a STOMP command: 'SEn'"),
        row("unfinished line with a control character", "SE\u0001", UNKNOWN_COMMAND, "not a STOMP command: 'SE\\x01'"),
        row("'@' (just below 'A') in an unfinished command", "SE@", UNKNOWN_COMMAND, "not a STOMP command: 'SE@'"),
        row("'[' (just above 'Z') in an unfinished command", "SE[", UNKNOWN_COMMAND, "not a STOMP command: 'SE['"),
        row("CR inside an unfinished command", "SE\rN", UNKNOWN_COMMAND, "not a STOMP command: 'SE\\x0dN'"),
        row("header without a colon", "SEND\nfoo\n\n\0", MALFORMED_HEADER, "header line without a colon: 'foo'"),
        row("header without a colon, 64 characters", "SEND\n" + x64 + "\n\n\0", MALFORMED_HEADER,
            "header line without a colon: '" + x64 + "'"),
        row("header without a colon, 65 characters", "SEND\n" + x64 + "y\n\n\0", MALFORMED_HEADER,
            "header line without a colon: '" + x64 + "...'"),
        row("header without a colon, UTF-8", "SEND\ncaf\u00c3\u00a9\n\n\0", MALFORMED_HEADER,
            "header line without a colon: 'caf\u00e9'"),
        row("header without a colon, invalid UTF-8", "SEND\nab\u00ff\n\n\0", MALFORMED_HEADER,
            "header line without a colon: 'ab\ufffd'"),
        row("header without a colon, control character", "SEND\nfoo\u0002bar\n\n\0", MALFORMED_HEADER,
            "header line without a colon: 'foo\\x02bar'"),
        row("empty header name", "SEND\n:caf\u00c3\u00a9\n\n\0", EMPTY_HEADER_NAME,
            "header line with an empty name: ':caf\u00e9'"),
        row("empty header name, more colons", "SEND\n:a:b\n\n\0", EMPTY_HEADER_NAME,
            "header line with an empty name: ':a:b'"),
        row("raw CR in a header", "SEND\nfoo:a\rb\n\n\0", MALFORMED_HEADER, "a header line contains a raw carriage return"),
        row("undefined escape", "SEND\nfoo:a\\tb\n\n\0", UNDEFINED_ESCAPE, "undefined escape '\\t' in header 'foo'"),
        row("undefined escape of a control character", "SEND\nf\u0003o:a\\\u0001\n\n\0", UNDEFINED_ESCAPE,
            "undefined escape '\\\\x01' in header 'f\\x03o'"),
        row("lone backslash", "SEND\nfoo:ab\\\n\n\0", UNDEFINED_ESCAPE, "a lone backslash ends header 'foo'"),
        row("malformed UTF-8", "SEND\nfoo:\u00c3\u0028\n\n\0", MALFORMED_UTF8, "a header is not valid UTF-8 (SEND frame)"),
        row("empty content-length", "SEND\ncontent-length:\n\n\0", INVALID_CONTENT_LENGTH, "content-length is empty"),
        row("content-length not a number", "SEND\ncontent-length:1\u00002\n\n\0", INVALID_CONTENT_LENGTH,
            "content-length is not a non-negative decimal integer: '1\\x002'"),
        row("content-length with a slash", "SEND\ncontent-length:1/\n\n\0", INVALID_CONTENT_LENGTH,
            "content-length is not a non-negative decimal integer: '1/'"),
        row("content-length with a colon", "SEND\ncontent-length::\n\n\0", INVALID_CONTENT_LENGTH,
            "content-length is not a non-negative decimal integer: ':'"),
        row("no NUL after the body", "SEND\ncontent-length:2\n\nabc\0", MISSING_NUL,
            "the octet after a body of content-length 2 is not NUL"));
  }

  private static Arguments row(String name, String wire, String reason, String detail) {
    return Arguments.of(name, wire, reason, detail);
  }

  /** A complete command line is judged as a whole; fed byte by byte, the first non-capital refuses it. */
  static Stream<Arguments> wholeCommandLines() {
    return Stream.of(
        row("control characters in a command", "A \u001f\u007f~\n\n\0", UNKNOWN_COMMAND,
            "unknown command 'A \\x1f\\x7f~' (commands are case sensitive)"),
        row("NUL and tab in a command", "S\u0000E\tN\n\n\0", UNKNOWN_COMMAND,
            "unknown command 'S\\x00E\\x09N' (commands are case sensitive)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wholeCommandLines")
  void namesOffendingBytesOfCommandLine(String name, String wire, String reason, String detail) {
    assertRefused(DecoderRun.feed(List.of(latin1(wire))), reason, detail);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void namesOffendingBytes(String name, String wire, String reason, String detail) {
    assertRefused(DecoderRun.feed(List.of(latin1(wire))), reason, detail);
    assertRefused(DecoderRun.feed(chunks(latin1(wire), 1)), reason, detail);
  }

  private static void assertRefused(DecoderRun run, String reason, String detail) {
    assertThat(run.failures()).hasSize(1);
    StompDecodeException failure = run.failures().get(0);
    assertThat(failure.reason()).isEqualTo(reason);
    assertThat(failure.detail()).isEqualTo(detail);
    assertThat(failure.toErrorFrame().bodyAsString()).isEqualTo(detail);
  }
}

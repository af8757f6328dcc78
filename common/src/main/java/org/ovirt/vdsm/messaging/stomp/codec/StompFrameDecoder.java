package org.ovirt.vdsm.messaging.stomp.codec;

import static java.util.Objects.requireNonNull;
import static org.ovirt.vdsm.messaging.stomp.codec.OffendingText.lenientUtf8;
import static org.ovirt.vdsm.messaging.stomp.codec.OffendingText.printable;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * Decodes bytes into {@link StompFrame}s by the frame grammar of STOMP 1.2 (Augmented BNF):
 *
 * <pre>
 * frame   = command EOL *( header EOL ) EOL *OCTET NULL *( EOL )
 * EOL     = [CR] LF
 * header  = header-name ":" header-value
 * </pre>
 *
 * <ul>
 *   <li>The command must be one of the 15 commands, spelled exactly (case sensitive); a command line
 *       that cannot become one is refused without waiting for its EOL.
 *   <li>Heart-beats ("a single EOL") before a frame and after its NUL are skipped; nothing is emitted
 *       for them.
 *   <li>A header line is split at its first colon; a colon inside the value is kept as it is
 *       (liberal: real engines send {@code host:engine:54321} in CONNECT). A line without a colon,
 *       with an empty name or with a raw CR inside it is refused.
 *   <li>Header names and values are UTF-8 ("The commands and headers are encoded in UTF-8") and,
 *       for every command but CONNECT, STOMP and CONNECTED, unescaped: {@code \\}, {@code \n},
 *       {@code \r}, {@code \c}; "Undefined escape sequences such as \t (octet 92 and 116) MUST be
 *       treated as a fatal protocol error" (STOMP 1.2, Value Encoding).
 *   <li>Repeated headers are kept in order; {@link StompFrame#header(String)} returns the first.
 *   <li>"If a content-length header is included, this number of octets MUST be read, regardless of
 *       whether or not there are NUL octets in the body" (STOMP 1.2, Body): the first {@code
 *       content-length} is authoritative and the octet after the body must be NUL. Without it the
 *       body ends at the first NUL.
 *   <li>A body is accepted for any command (liberal: "MUST NOT have a body" binds the sender).
 * </ul>
 *
 * <p>Every {@link StompDecoderLimits limit} is checked before bytes are accumulated: an announced
 * {@code content-length} above the body limit is refused when its header is read, a line without EOL
 * is refused as soon as it is longer than allowed. Work is linear in the input: the decoder consumes
 * the command and header lines as they complete, remembers how far it has searched for the next
 * delimiter, never searches a {@code content-length} body, and copies each body once, into the
 * frame's array.
 *
 * <p>A failure throws a {@link StompDecodeException} once (frames completed before it in the same
 * read are still passed on); from then on all input is discarded and nothing more is emitted. The
 * decoder does not close the channel: the handler that catches the exception sends {@link
 * StompDecodeException#toErrorFrame()} and closes. One instance per channel (not sharable).
 */
public class StompFrameDecoder extends ByteToMessageDecoder {

  private enum State {
    COMMAND,
    HEADERS,
    BODY_BY_LENGTH,
    BODY_TO_NUL,
    FAILED
  }

  /** The length of the longest command ({@code UNSUBSCRIBE}, {@code DISCONNECT} is 10). */
  private static final int LONGEST_COMMAND = StompDecoderLimits.MIN_LINE_BYTES;

  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final byte NUL = 0;
  private static final byte COLON = ':';

  private final StompDecoderLimits limits;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  private State state = State.COMMAND;
  /** How many bytes after the reader index are known not to hold the delimiter searched for. */
  private int scanned;

  private StompCommand command;
  private StompFrame.Builder frame;
  private int headerCount;
  private int headerBytes;
  private int contentLength = -1;
  private byte[] scratch = new byte[128];
  /** Header strings decoded lately, handed out again when the same bytes come. */
  private final RecentHeaderStrings recent = new RecentHeaderStrings();

  /** Bytes examined while searching for delimiters, for tests of linearity. */
  private long bytesScanned;

  /** A decoder with {@link StompDecoderLimits#DEFAULTS}. */
  public StompFrameDecoder() {
    this(StompDecoderLimits.DEFAULTS);
  }

  /** A decoder with {@code limits}. */
  public StompFrameDecoder(StompDecoderLimits limits) {
    this.limits = requireNonNull(limits, "limits");
  }

  /** The limits in force. */
  public StompDecoderLimits limits() {
    return limits;
  }

  /**
   * Bytes of a frame begun and not yet complete that this decoder holds (its buffered input plus the
   * header bytes already parsed), at least 1 while a frame is in progress, 0 between frames. For
   * deadlines and memory budgets kept outside the codec; call on the channel's event loop.
   */
  public long partialFrameBytes() {
    if (state == State.FAILED) {
      return 0;
    }
    long buffered = internalBuffer().readableBytes();
    return state == State.COMMAND ? buffered : Math.max(1, buffered + headerBytes);
  }

  /** Bytes examined so far while looking for EOLs and NULs (the counter of the linearity test). */
  long bytesScanned() {
    return bytesScanned;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (state == State.FAILED) {
      in.skipBytes(in.readableBytes());
      return;
    }
    StompFrame decoded;
    try {
      decoded = decodeFrame(in);
    } catch (StompDecodeException e) {
      state = State.FAILED;
      resetFrame(); // lets the frame begun be collected; FAILED never reads it (not observable by a test)
      in.skipBytes(in.readableBytes());
      throw e;
    }
    if (decoded != null) {
      out.add(decoded);
    }
  }

  /** Advances through {@code in} until a frame is complete (returned) or more bytes are needed (null). */
  private StompFrame decodeFrame(ByteBuf in) {
    for (;;) {
      switch (state) {
        case COMMAND:
          if (scanned == 0 && !skipHeartBeats(in)) {
            return null;
          }
          if (!readCommand(in)) {
            return null;
          }
          break;
        case HEADERS:
          if (!readHeader(in)) {
            return null;
          }
          break;
        case BODY_BY_LENGTH:
          return readBodyByLength(in);
        case BODY_TO_NUL:
          return readBodyToNul(in);
        default:
          throw new IllegalStateException(state.name());
      }
    }
  }

  /** Skips EOLs; true when a byte that starts a command is next, false when more bytes are needed. */
  private boolean skipHeartBeats(ByteBuf in) {
    while (in.isReadable()) {
      int r = in.readerIndex();
      byte b = in.getByte(r);
      bytesScanned++;
      if (b == LF) {
        in.skipBytes(1);
      } else if (b == CR) {
        if (in.readableBytes() < 2) {
          return false;
        }
        if (in.getByte(r + 1) != LF) {
          return true; // not an EOL: the command check refuses it
        }
        in.skipBytes(2);
      } else {
        return true;
      }
    }
    // "true" here would be equivalent: readCommand then finds no byte, refuses nothing, returns false.
    return false;
  }

  private boolean readCommand(ByteBuf in) {
    int lf = findLineEnd(in, LONGEST_COMMAND, StompDecodeException.UNKNOWN_COMMAND);
    if (lf < 0) { // never 0: skipHeartBeats consumed every leading LF ("<= 0" is equivalent)
      refuseNonCommandPrefix(in);
      return false;
    }
    int length = lineLength(in, lf);
    String name = in.toString(in.readerIndex(), length, StandardCharsets.ISO_8859_1);
    StompCommand c =
        StompCommand.fromName(name)
            .orElseThrow(
                () ->
                    new StompDecodeException(
                        StompDecodeException.UNKNOWN_COMMAND,
                        "unknown command '" + printable(name) + "' (commands are case sensitive)"));
    in.skipBytes(lf + 1);
    command = c;
    frame = StompFrame.builder(c);
    state = State.HEADERS;
    return true;
  }

  /**
   * Refuses an incomplete command line at once if it holds anything but capital letters (and a CR
   * at its end): garbage is not kept waiting for an EOL. At most {@value #LONGEST_COMMAND} + 1 bytes
   * are looked at.
   */
  private void refuseNonCommandPrefix(ByteBuf in) {
    int r = in.readerIndex();
    for (int i = 0; i < scanned; i++) {
      byte b = in.getByte(r + i);
      if ((b < 'A' || b > 'Z') && !(b == CR && i == scanned - 1)) {
        String seen = in.toString(r, scanned, StandardCharsets.ISO_8859_1);
        throw new StompDecodeException(
            StompDecodeException.UNKNOWN_COMMAND, "not a STOMP command: '" + printable(seen) + "'");
      }
    }
  }

  /** Reads one header line or the blank line; false when more bytes are needed. */
  private boolean readHeader(ByteBuf in) {
    // The next line must fit the line limit, the rest of the header budget, and the header count.
    int limit;
    String reason;
    int budget = limits.maxHeaderBytes() - headerBytes;
    if (headerCount >= limits.maxHeaderCount()) {
      limit = 0; // only the blank line may follow
      reason = StompDecodeException.TOO_MANY_HEADERS;
    } else if (budget < limits.maxLineBytes()) {
      limit = budget;
      reason = StompDecodeException.HEADERS_TOO_LARGE;
    } else {
      limit = limits.maxLineBytes();
      reason = StompDecodeException.LINE_TOO_LONG;
    }
    int lf = findLineEnd(in, limit, reason);
    if (lf < 0) {
      return false;
    }
    int length = lineLength(in, lf);
    if (length == 0) {
      in.skipBytes(lf + 1);
      state = contentLength >= 0 ? State.BODY_BY_LENGTH : State.BODY_TO_NUL;
      return true;
    }
    parseHeader(in, length);
    headerCount++;
    headerBytes += length;
    in.skipBytes(lf + 1);
    return true;
  }

  /**
   * The offset (from the reader index) of the LF ending the current line, or -1 if it has not
   * arrived yet. Fails as soon as the line, without its EOL, is known to be longer than {@code
   * limit}.
   */
  private int findLineEnd(ByteBuf in, int limit, String reason) {
    int readable = in.readableBytes();
    // The LF of a line within the limit is at offset limit at most, or limit + 1 after a CR.
    int window = (int) Math.min(readable, limit + 2L);
    int r = in.readerIndex();
    if (scanned < window) { // "<=" is equivalent: the search of an empty range finds nothing, counts 0
      int lf = in.indexOf(r + scanned, r + window, LF);
      if (lf >= 0) {
        bytesScanned += lf - (r + scanned) + 1;
        scanned = 0;
        int offset = lf - r;
        if (lineLength(in, offset) > limit) {
          throw tooLong(reason);
        }
        return offset;
      }
      bytesScanned += window - scanned;
      scanned = window;
    }
    if (scanned > limit + 1L || (scanned == limit + 1L && in.getByte(r + limit) != CR)) {
      throw tooLong(reason);
    }
    return -1;
  }

  private StompDecodeException tooLong(String reason) {
    String detail;
    switch (reason) {
      case StompDecodeException.UNKNOWN_COMMAND:
        detail = "the command line is longer than any STOMP command";
        break;
      case StompDecodeException.TOO_MANY_HEADERS:
        detail = "a frame has more than " + limits.maxHeaderCount() + " headers";
        break;
      case StompDecodeException.HEADERS_TOO_LARGE:
        detail = "the header lines of a frame exceed " + limits.maxHeaderBytes() + " bytes";
        break;
      default:
        detail = "a header line exceeds " + limits.maxLineBytes() + " bytes";
        break;
    }
    return new StompDecodeException(reason, detail);
  }

  /** The length of the line ending with the LF at {@code lf}, without its EOL. */
  private static int lineLength(ByteBuf in, int lf) {
    return lf > 0 && in.getByte(in.readerIndex() + lf - 1) == CR ? lf - 1 : lf;
  }

  private void parseHeader(ByteBuf in, int length) {
    if (scratch.length < length) {
      // How much it grows is not observable: Math.max makes it large enough whatever the factor.
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    byte[] line = scratch;
    in.getBytes(in.readerIndex(), line, 0, length);
    int colon = -1;
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      if (b == COLON && colon < 0) {
        colon = i;
      } else if (b == CR) {
        throw new StompDecodeException(
            StompDecodeException.MALFORMED_HEADER, "a header line contains a raw carriage return");
      }
    }
    if (colon < 0) {
      throw new StompDecodeException(
          StompDecodeException.MALFORMED_HEADER,
          "header line without a colon: '" + printable(lenientUtf8(line, length)) + "'");
    }
    if (colon == 0) {
      throw new StompDecodeException(
          StompDecodeException.EMPTY_HEADER_NAME,
          "header line with an empty name: '" + printable(lenientUtf8(line, length)) + "'");
    }
    String name = utf8(line, 0, colon);
    String value = utf8(line, colon + 1, length - colon - 1);
    if (command.escapesHeaders()) {
      name = HeaderEscapes.unescape(name, name);
      value = HeaderEscapes.unescape(value, name);
    }
    frame.header(name, value);
    if (contentLength < 0 && StompHeaders.CONTENT_LENGTH.equals(name)) {
      contentLength = ContentLength.parse(value, limits.maxBodyBytes());
    }
  }

  private String utf8(byte[] bytes, int offset, int length) {
    String ascii = recent.ascii(bytes, offset, length);
    if (ascii != null) {
      return ascii;
    }
    try {
      return utf8.reset().decode(ByteBuffer.wrap(bytes, offset, length)).toString();
    } catch (CharacterCodingException e) {
      throw new StompDecodeException(
          StompDecodeException.MALFORMED_UTF8, "a header is not valid UTF-8 (" + command + " frame)");
    }
  }

  private StompFrame readBodyByLength(ByteBuf in) {
    int n = contentLength;
    if (in.readableBytes() <= n) {
      return null;
    }
    bytesScanned++;
    if (in.getByte(in.readerIndex() + n) != NUL) {
      throw new StompDecodeException(
          StompDecodeException.MISSING_NUL,
          "the octet after a body of content-length " + n + " is not NUL");
    }
    return complete(in, n);
  }

  private StompFrame readBodyToNul(ByteBuf in) {
    int max = limits.maxBodyBytes();
    int window = (int) Math.min(in.readableBytes(), max + 1L);
    if (scanned < window) { // "<=" is equivalent: the search of an empty range finds nothing, counts 0
      int r = in.readerIndex();
      int nul = in.indexOf(r + scanned, r + window, NUL);
      if (nul >= 0) {
        bytesScanned += nul - (r + scanned) + 1;
        scanned = 0;
        return complete(in, nul - r);
      }
      bytesScanned += window - scanned;
      scanned = window;
    }
    if (scanned > max) {
      throw new StompDecodeException(
          StompDecodeException.BODY_TOO_LARGE,
          "a body without content-length exceeds the limit of " + max + " bytes");
    }
    return null;
  }

  /** Copies the body of {@code length} bytes once, skips the NUL, builds the frame. */
  private StompFrame complete(ByteBuf in, int length) {
    if (length > 0) { // ">= 0" is equivalent: an empty array body equals the empty body
      byte[] body = new byte[length];
      in.readBytes(body);
      frame.body(body);
    }
    in.skipBytes(1);
    StompFrame done = frame.build();
    resetFrame();
    state = State.COMMAND;
    return done;
  }

  private void resetFrame() {
    command = null;
    frame = null;
    headerCount = 0;
    headerBytes = 0;
    contentLength = -1;
    scanned = 0;
  }
}

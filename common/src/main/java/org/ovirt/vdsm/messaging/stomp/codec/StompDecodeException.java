package org.ovirt.vdsm.messaging.stomp.codec;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.DecoderException;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * A STOMP frame that could not be decoded: a short {@link #reason()} (one of the constants of this
 * class) and a human readable detail. The connection cannot be used after it: the server sends the
 * frame {@link #toErrorFrame()} builds and closes ("The server MAY send ERROR frames if something
 * goes wrong. In this case, it MUST then close the connection just after sending the ERROR frame",
 * STOMP 1.2, ERROR).
 */
public class StompDecodeException extends DecoderException {
  private static final long serialVersionUID = 1L;

  /** The command line is not one of the 15 commands of STOMP 1.2 (they are case sensitive). */
  public static final String UNKNOWN_COMMAND = "unknown command";

  /** A header line is longer than {@link StompDecoderLimits#maxLineBytes()}. */
  public static final String LINE_TOO_LONG = "line too long";

  /** More header lines than {@link StompDecoderLimits#maxHeaderCount()}. */
  public static final String TOO_MANY_HEADERS = "too many headers";

  /** The header lines together exceed {@link StompDecoderLimits#maxHeaderBytes()}. */
  public static final String HEADERS_TOO_LARGE = "headers too large";

  /** A header line without a colon, or with a raw carriage return inside it. */
  public static final String MALFORMED_HEADER = "malformed header";

  /** A header line that starts with its colon. */
  public static final String EMPTY_HEADER_NAME = "empty header name";

  /** A backslash not followed by one of {@code \ n r c}. */
  public static final String UNDEFINED_ESCAPE = "undefined escape";

  /** A header that is not valid UTF-8. */
  public static final String MALFORMED_UTF8 = "malformed UTF-8";

  /** A {@code content-length} that is not a non-negative decimal integer. */
  public static final String INVALID_CONTENT_LENGTH = "invalid content-length";

  /** A body (announced or received) larger than {@link StompDecoderLimits#maxBodyBytes()}. */
  public static final String BODY_TOO_LARGE = "body too large";

  /** The octet after a {@code content-length} body is not NUL. */
  public static final String MISSING_NUL = "missing NUL after body";

  private final String reason;
  private final String detail;

  /**
   * A decode failure.
   *
   * @param reason short, fixed text, sent as the {@code message} header of the ERROR frame
   * @param detail what was wrong, sent as the body of the ERROR frame
   */
  public StompDecodeException(String reason, String detail) {
    super(requireNonNull(reason, "reason") + ": " + requireNonNull(detail, "detail"));
    this.reason = reason;
    this.detail = detail;
  }

  /** The short reason, e.g. {@value #UNDEFINED_ESCAPE}. */
  public String reason() {
    return reason;
  }

  /** The detail of the failure. */
  public String detail() {
    return detail;
  }

  /**
   * The ERROR frame to send before closing: {@code message:<reason>}, {@code content-type:text/plain}
   * and the detail as the body. "The ERROR frame SHOULD contain a message header with a short
   * description of the error, and the body MAY contain more detailed information" (STOMP 1.2, ERROR).
   */
  public StompFrame toErrorFrame() {
    return StompFrame.builder(StompCommand.ERROR)
        .header(StompHeaders.MESSAGE, reason)
        .header(StompHeaders.CONTENT_TYPE, "text/plain")
        .body(detail)
        .build();
  }
}

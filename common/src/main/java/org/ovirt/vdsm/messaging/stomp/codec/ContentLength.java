package org.ovirt.vdsm.messaging.stomp.codec;

import static org.ovirt.vdsm.messaging.stomp.codec.OffendingText.printable;

/**
 * The value of a received {@code content-length} header: "an octet count for the length of the
 * message body" (STOMP 1.2), so decimal digits only (no sign, no blanks), checked against the body
 * limit digit by digit so that no value, however long, overflows.
 */
final class ContentLength {

  private ContentLength() {}

  /**
   * The number {@code value} holds.
   *
   * @throws StompDecodeException {@value StompDecodeException#INVALID_CONTENT_LENGTH} when it is
   *     empty or holds anything but the digits 0 to 9, {@value StompDecodeException#BODY_TOO_LARGE}
   *     when it is above {@code maxBodyBytes}
   */
  static int parse(String value, int maxBodyBytes) {
    if (value.isEmpty()) {
      throw new StompDecodeException(StompDecodeException.INVALID_CONTENT_LENGTH, "content-length is empty");
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new StompDecodeException(
            StompDecodeException.INVALID_CONTENT_LENGTH,
            "content-length is not a non-negative decimal integer: '" + printable(value) + "'");
      }
      n = n * 10 + (c - '0');
      if (n > maxBodyBytes) {
        throw new StompDecodeException(
            StompDecodeException.BODY_TOO_LARGE,
            "content-length " + printable(value) + " exceeds the limit of " + maxBodyBytes + " bytes");
      }
    }
    return (int) n;
  }
}

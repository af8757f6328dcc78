package org.ovirt.vdsm.messaging.stomp.codec;

import static org.ovirt.vdsm.messaging.stomp.codec.OffendingText.printable;

/**
 * The header value decoding of STOMP 1.2 (Value Encoding): {@code \\}, {@code \n}, {@code \r} and
 * {@code \c} stand for a backslash, LF, CR and colon; "Undefined escape sequences such as \t (octet
 * 92 and 116) MUST be treated as a fatal protocol error". Applies to every command but CONNECT,
 * STOMP and CONNECTED ({@link org.ovirt.vdsm.messaging.stomp.StompCommand#escapesHeaders()}).
 */
final class HeaderEscapes {

  private HeaderEscapes() {}

  /**
   * {@code s} with its escapes resolved ({@code s} itself when it has none).
   *
   * @param headerName the name of the header {@code s} belongs to, for the error detail
   * @throws StompDecodeException {@value StompDecodeException#UNDEFINED_ESCAPE} for a backslash
   *     followed by anything else or by nothing
   */
  static String unescape(String s, String headerName) {
    int backslash = s.indexOf('\\');
    if (backslash < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    sb.append(s, 0, backslash);
    for (int i = backslash; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i + 1 == s.length()) {
        throw new StompDecodeException(
            StompDecodeException.UNDEFINED_ESCAPE,
            "a lone backslash ends header '" + printable(headerName) + "'");
      }
      char e = s.charAt(++i);
      switch (e) {
        case '\\':
          sb.append('\\');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 'c':
          sb.append(':');
          break;
        default:
          throw new StompDecodeException(
              StompDecodeException.UNDEFINED_ESCAPE,
              "undefined escape '\\" + printable(String.valueOf(e)) + "' in header '" + printable(headerName) + "'");
      }
    }
    return sb.toString();
  }
}

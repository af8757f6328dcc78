package org.ovirt.vdsm.messaging.xmlrpc;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes XML-RPC documents from JSON values, UTF-8, without pretty printing. The mapping is
 * documented on {@link XmlRpcCodec}.
 *
 * <p>A {@code methodCall} is written strictly: what XML-RPC cannot carry faithfully (characters XML
 * 1.0 cannot hold, integers beyond 64 bits) is refused, so that the caller learns its call cannot be
 * sent as made. A {@code methodResponse} must always be delivered, so there such characters are
 * replaced by U+FFFD, and such integers and numbers beyond a double (NaN, infinities, {@code 1e400})
 * written as their text in a {@code <string>}.
 */
final class XmlRpcWriter {
  private static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final StringBuilder out = new StringBuilder(256);
  private final boolean strict;

  private XmlRpcWriter(boolean strict) {
    this.strict = strict;
  }

  static byte[] call(String methodName, List<JsonElement> params) {
    XmlRpcWriter w = new XmlRpcWriter(true);
    w.out.append(DECLARATION).append("<methodCall><methodName>");
    w.text(methodName);
    w.out.append("</methodName><params>");
    for (JsonElement param : params) {
      w.out.append("<param>");
      w.value(param);
      w.out.append("</param>");
    }
    w.out.append("</params></methodCall>\n");
    return w.bytes();
  }

  static byte[] response(JsonElement value) {
    XmlRpcWriter w = new XmlRpcWriter(false);
    w.out.append(DECLARATION).append("<methodResponse><params><param>");
    w.value(value);
    w.out.append("</param></params></methodResponse>\n");
    return w.bytes();
  }

  static byte[] fault(int code, String message) {
    XmlRpcWriter w = new XmlRpcWriter(false);
    w.out.append(DECLARATION).append("<methodResponse><fault><value><struct>")
        .append("<member><name>faultCode</name><value><int>").append(code).append("</int></value></member>")
        .append("<member><name>faultString</name><value><string>");
    w.text(message);
    w.out.append("</string></value></member></struct></value></fault></methodResponse>\n");
    return w.bytes();
  }

  private byte[] bytes() {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void value(JsonElement v) {
    out.append("<value>");
    if (v == null || v.isJsonNull()) {
      out.append("<nil/>");
    } else if (v.isJsonObject()) {
      out.append("<struct>");
      for (Map.Entry<String, JsonElement> member : ((JsonObject) v).entrySet()) {
        out.append("<member><name>");
        text(member.getKey());
        out.append("</name>");
        value(member.getValue());
        out.append("</member>");
      }
      out.append("</struct>");
    } else if (v.isJsonArray()) {
      out.append("<array><data>");
      for (JsonElement item : v.getAsJsonArray()) {
        value(item);
      }
      out.append("</data></array>");
    } else {
      primitive(v.getAsJsonPrimitive());
    }
    out.append("</value>");
  }

  private void primitive(JsonPrimitive p) {
    if (p.isBoolean()) {
      out.append("<boolean>").append(p.getAsBoolean() ? '1' : '0').append("</boolean>");
    } else if (p.isString()) {
      out.append("<string>");
      text(p.getAsString());
      out.append("</string>");
    } else {
      number(p.getAsNumber());
    }
  }

  private void number(Number n) {
    if (n instanceof Integer || n instanceof Short || n instanceof Byte || n instanceof Long) {
      integer(BigInteger.valueOf(n.longValue()));
    } else if (n instanceof BigInteger b) {
      integer(b);
    } else if (n instanceof Double || n instanceof Float) {
      decimal(n.doubleValue(), n.toString());
    } else {
      // Gson's lazily parsed numbers, BigDecimal: integral when written without fraction or exponent.
      String text = n.toString();
      // "<= 0" for the exponent's "< 0" is equivalent: no number's text starts with 'e' or 'E'.
      if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
        integer(new BigInteger(text));
      } else {
        decimal(n.doubleValue(), text);
      }
    }
  }

  /**
   * int when it fits 32 bits, i8 when it fits 64 bits, else its decimal digits as a string (refused
   * in a call).
   */
  private void integer(BigInteger b) {
    if (b.compareTo(INT_MIN) >= 0 && b.compareTo(INT_MAX) <= 0) {
      out.append("<int>").append(b).append("</int>");
    } else if (b.compareTo(LONG_MIN) >= 0 && b.compareTo(LONG_MAX) <= 0) {
      out.append("<i8>").append(b).append("</i8>");
    } else if (strict) {
      throw new IllegalArgumentException("integer too large for XML-RPC: " + b);
    } else {
      out.append("<string>").append(b).append("</string>");
    }
  }

  /**
   * Plain decimal notation (XML-RPC has no exponent). NaN, infinities and numbers beyond the range of
   * a double ({@code 1e400}) have no XML-RPC representation: refused in a call, written in a response
   * as a {@code <string>} of their JSON text, so that one such value never breaks a whole answer.
   */
  private void decimal(double d, String text) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      if (strict) {
        throw new IllegalArgumentException("XML-RPC cannot represent " + text);
      }
      out.append("<string>");
      text(text);
      out.append("</string>");
      return;
    }
    out.append("<double>").append(BigDecimal.valueOf(d).toPlainString()).append("</double>");
  }

  /**
   * Character data, escaped. CR is written as a character reference (a parser would turn a raw CR
   * into LF); characters XML 1.0 cannot carry (controls other than TAB, LF and CR, lone surrogates,
   * U+FFFE, U+FFFF) are replaced by U+FFFD, or refused in a call.
   */
  private void text(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\r' -> out.append("&#13;");
        case '\t', '\n' -> out.append(c);
        default -> {
          if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
            unrepresentable(c);
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unrepresentable(c);
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  private void unrepresentable(char c) {
    if (strict) {
      throw new IllegalArgumentException("character U+" + String.format("%04X", (int) c) + " cannot be sent in XML-RPC");
    }
    out.append('\uFFFD');
  }
}

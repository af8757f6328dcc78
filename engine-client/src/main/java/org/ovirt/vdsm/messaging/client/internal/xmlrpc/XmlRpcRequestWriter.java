package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes an XML-RPC {@code methodCall} (UTF-8) from JSON values:
 *
 * <table>
 *   <caption>JSON to XML-RPC</caption>
 *   <tr><th>JSON</th><th>XML-RPC</th></tr>
 *   <tr><td>string</td><td>{@code <string>}</td></tr>
 *   <tr><td>true / false</td><td>{@code <boolean>1</boolean>} / {@code 0}</td></tr>
 *   <tr><td>integer in 32 bits</td><td>{@code <int>}</td></tr>
 *   <tr><td>integer in 64 bits</td><td>{@code <i8>} (extension Python and Apache read)</td></tr>
 *   <tr><td>other number</td><td>{@code <double>}</td></tr>
 *   <tr><td>null</td><td>{@code <nil/>} (extension; Python's {@code allow_none})</td></tr>
 *   <tr><td>object / array</td><td>{@code <struct>} / {@code <array>}</td></tr>
 * </table>
 *
 * <p>Text is escaped ({@code & < >}, and CR as {@code &#13;} so it survives end-of-line
 * normalisation). Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) and integers beyond 64 bits are refused with {@link IllegalArgumentException}.
 */
public final class XmlRpcRequestWriter {
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final StringBuilder out = new StringBuilder(256);

  private XmlRpcRequestWriter() {}

  /** The {@code methodCall} document for {@code method} with positional {@code params}. */
  public static byte[] methodCall(String method, List<JsonElement> params) {
    requireNonNull(method, "method");
    requireNonNull(params, "params");
    XmlRpcRequestWriter w = new XmlRpcRequestWriter();
    w.out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodCall><methodName>");
    w.text(method);
    w.out.append("</methodName><params>");
    for (JsonElement p : params) {
      w.out.append("<param>");
      w.value(p);
      w.out.append("</param>");
    }
    w.out.append("</params></methodCall>\n");
    return w.out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void value(JsonElement v) {
    out.append("<value>");
    if (v == null || v.isJsonNull()) {
      out.append("<nil/>");
    } else if (v.isJsonObject()) {
      out.append("<struct>");
      for (Map.Entry<String, JsonElement> member : v.getAsJsonObject().entrySet()) {
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
    } else if (p.isNumber()) {
      number(new BigDecimal(p.getAsString()));
    } else {
      out.append("<string>");
      text(p.getAsString());
      out.append("</string>");
    }
  }

  private void number(BigDecimal n) {
    BigInteger integer = null;
    try {
      integer = n.toBigIntegerExact();
    } catch (ArithmeticException notIntegral) {
      // a fraction: a double below
    }
    if (integer != null) {
      if (integer.compareTo(INT_MIN) >= 0 && integer.compareTo(INT_MAX) <= 0) {
        out.append("<int>").append(integer).append("</int>");
        return;
      }
      if (integer.compareTo(LONG_MIN) >= 0 && integer.compareTo(LONG_MAX) <= 0) {
        out.append("<i8>").append(integer).append("</i8>");
        return;
      }
      throw new IllegalArgumentException("integer too large for XML-RPC: " + integer);
    }
    double d = n.doubleValue();
    if (Double.isInfinite(d)) {
      throw new IllegalArgumentException("number out of range for XML-RPC: " + n);
    }
    out.append("<double>").append(d).append("</double>");
  }

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
          if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
            throw new IllegalArgumentException(
                "character U+" + String.format("%04X", (int) c) + " cannot be sent in XML-RPC");
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}

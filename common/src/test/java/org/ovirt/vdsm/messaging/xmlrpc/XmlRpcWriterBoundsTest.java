package org.ovirt.vdsm.messaging.xmlrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The edges of the XML-RPC writer: the last character on each side of what XML 1.0 can carry, a
 * surrogate pair cut at the end of a string, each integer range exactly at its ends and one past,
 * and every kind of Java number a tree may hold. A response replaces or degrades what it cannot
 * carry; a call refuses it and says what.
 */
class XmlRpcWriterBoundsTest {

  private static String responseValue(JsonElement v) {
    String doc = new String(XmlRpcCodec.encodeResponse(v), UTF_8);
    int start = doc.indexOf("<param>") + "<param>".length();
    return doc.substring(start, doc.indexOf("</param>"));
  }

  private static String callValue(JsonElement v) {
    String doc = new String(XmlRpcCodec.encodeCall("m", List.of(v)), UTF_8);
    int start = doc.indexOf("<param>") + "<param>".length();
    return doc.substring(start, doc.indexOf("</param>"));
  }

  private static String string(String text) {
    return "<value><string>" + text + "</string></value>";
  }

  @ParameterizedTest(name = "U+{0}")
  @CsvSource({
    "001F, false",
    "0020, true",
    "D7FF, true",
    "E000, true",
    "FFFD, true",
    "FFFE, false",
    "FFFF, false",
  })
  void charactersAtTheEdgesOfXmlAreKeptOrReplaced(String hex, boolean kept) {
    String c = String.valueOf((char) Integer.parseInt(hex, 16));
    assertThat(responseValue(new JsonPrimitive("a" + c + "b")))
        .isEqualTo(string("a" + (kept ? c : "\uFFFD") + "b"));
    if (kept) {
      assertThat(callValue(new JsonPrimitive("a" + c + "b"))).isEqualTo(string("a" + c + "b"));
    } else {
      assertThatThrownBy(() -> callValue(new JsonPrimitive("a" + c + "b")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("character U+" + hex + " cannot be sent in XML-RPC");
    }
  }

  @Test
  void aSurrogatePairIsKeptAndAHalfOfOneIsReplacedWhereverItIs() {
    assertThat(responseValue(new JsonPrimitive("x\uD83D\uDE00"))).isEqualTo(string("x\uD83D\uDE00"));
    assertThat(responseValue(new JsonPrimitive("x\uD83D"))).as("high half last").isEqualTo(string("x\uFFFD"));
    assertThat(responseValue(new JsonPrimitive("\uDE00x"))).as("low half first").isEqualTo(string("\uFFFDx"));
    assertThat(responseValue(new JsonPrimitive("\uD83D\uD83D\uDE00"))).as("two highs, then a low")
        .isEqualTo(string("\uFFFD\uD83D\uDE00"));
    assertThatThrownBy(() -> callValue(new JsonPrimitive("x\uD83D")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("character U+D83D cannot be sent in XML-RPC");
  }

  @Test
  void markupAndWhiteSpaceAreEscapedExactly() {
    assertThat(responseValue(new JsonPrimitive("<a & b>\r\n\t'\""))).isEqualTo(string("&lt;a &amp; b&gt;&#13;\n\t'\""));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "-9223372036854775809, <value><string>-9223372036854775809</string></value>",
    "-9223372036854775808, <value><i8>-9223372036854775808</i8></value>",
    "-2147483649, <value><i8>-2147483649</i8></value>",
    "-2147483648, <value><int>-2147483648</int></value>",
    "2147483647, <value><int>2147483647</int></value>",
    "2147483648, <value><i8>2147483648</i8></value>",
    "9223372036854775807, <value><i8>9223372036854775807</i8></value>",
    "9223372036854775808, <value><string>9223372036854775808</string></value>",
  })
  void integersTakeTheSmallestTypeThatHoldsThem(String digits, String xml) {
    assertThat(responseValue(new JsonPrimitive(new BigInteger(digits)))).isEqualTo(xml);
    assertThat(responseValue(new JsonPrimitive(new BigDecimal(digits)))).as("as a BigDecimal").isEqualTo(xml);
  }

  @Test
  void aCallRefusesAnIntegerBeyondSixtyFourBitsByName() {
    assertThatThrownBy(() -> callValue(new JsonPrimitive(new BigInteger("-9223372036854775809"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("integer too large for XML-RPC: -9223372036854775809");
    assertThatThrownBy(() -> callValue(new JsonPrimitive(Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("XML-RPC cannot represent NaN");
    assertThatThrownBy(() -> callValue(new JsonPrimitive(Float.NEGATIVE_INFINITY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("XML-RPC cannot represent -Infinity");
  }

  @Test
  void everyKindOfJavaNumberIsWrittenByItsValue() {
    assertThat(responseValue(new JsonPrimitive((byte) -7))).isEqualTo("<value><int>-7</int></value>");
    assertThat(responseValue(new JsonPrimitive((short) 300))).isEqualTo("<value><int>300</int></value>");
    assertThat(responseValue(new JsonPrimitive(1L << 40))).isEqualTo("<value><i8>1099511627776</i8></value>");
    assertThat(responseValue(new JsonPrimitive(1.5f))).isEqualTo("<value><double>1.5</double></value>");
    assertThat(responseValue(new JsonPrimitive(new BigDecimal("2.50")))).isEqualTo("<value><double>2.5</double></value>");
    assertThat(responseValue(new JsonPrimitive(new BigDecimal("1E+3")))).isEqualTo("<value><double>1000.0</double></value>");
    assertThat(responseValue(new JsonPrimitive(new BigDecimal("1e400")))).isEqualTo(string("1E+400"));
  }

  @Test
  void aNumberWhoseTextHasAFractionPointIsADoubleWhereverThePointIs() {
    Number half = new Number() {
      @Override public int intValue() { return 0; }
      @Override public long longValue() { return 0; }
      @Override public float floatValue() { return 0.5f; }
      @Override public double doubleValue() { return 0.5; }
      @Override public String toString() { return ".5"; }
    };
    assertThat(responseValue(new JsonPrimitive(half))).isEqualTo("<value><double>0.5</double></value>");
  }

  @Test
  void aFaultMessageOfExactlyTheLimitIsKeptAndOneMoreIsCut() {
    String limit = "m".repeat(XmlRpcFault.MAX_MESSAGE_CHARS);
    assertThat(new XmlRpcFault(1, limit).getMessage()).isEqualTo(limit);
    assertThat(new XmlRpcFault(1, limit + "n").getMessage()).isEqualTo(limit + "...");
  }
}

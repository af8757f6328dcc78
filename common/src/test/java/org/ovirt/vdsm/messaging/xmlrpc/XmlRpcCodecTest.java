package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** XML-RPC values both ways: every type, round trips, and what the writer must do with odd input. */
class XmlRpcCodecTest {

  static XmlRpcCall parse(String xml) throws XmlRpcFault {
    return XmlRpcCodec.parseCall(xml.getBytes(StandardCharsets.UTF_8), XmlRpcLimits.DEFAULTS);
  }

  static String call(String... values) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>");
    for (String v : values) {
      b.append("<param>").append(v).append("</param>");
    }
    return b.append("</params></methodCall>").toString();
  }

  static JsonElement parseValue(String value) throws XmlRpcFault {
    XmlRpcCall c = parse(call(value));
    assertThat(c.params()).hasSize(1);
    return c.params().get(0);
  }

  static Stream<Arguments> everyType() {
    return Stream.of(
        Arguments.of("int", "<value><int>42</int></value>", new JsonPrimitive(42)),
        Arguments.of("i4 negative", "<value><i4>-7</i4></value>", new JsonPrimitive(-7)),
        Arguments.of("int with plus sign and blanks", "<value><int> +5 </int></value>", new JsonPrimitive(5)),
        Arguments.of("int32 max", "<value><int>2147483647</int></value>", new JsonPrimitive(Integer.MAX_VALUE)),
        Arguments.of("int32 min", "<value><i4>-2147483648</i4></value>", new JsonPrimitive(Integer.MIN_VALUE)),
        Arguments.of("i8", "<value><i8>9223372036854775807</i8></value>", new JsonPrimitive(Long.MAX_VALUE)),
        Arguments.of(
            "Apache ex:i8",
            "<value><ex:i8 xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\">-3</ex:i8></value>",
            new JsonPrimitive(-3L)),
        Arguments.of("boolean 1", "<value><boolean>1</boolean></value>", new JsonPrimitive(true)),
        Arguments.of("boolean 0", "<value><boolean>0</boolean></value>", new JsonPrimitive(false)),
        Arguments.of("string", "<value><string>a &lt;b&gt; &amp; c</string></value>", new JsonPrimitive("a <b> & c")),
        Arguments.of("string keeps white space", "<value><string>  two  </string></value>", new JsonPrimitive("  two  ")),
        Arguments.of("empty string", "<value><string/></value>", new JsonPrimitive("")),
        Arguments.of("CDATA string", "<value><string><![CDATA[<x>&]]></string></value>", new JsonPrimitive("<x>&")),
        Arguments.of("character references", "<value><string>&#233;&#x4E2D;&#13;</string></value>", new JsonPrimitive("\u00e9\u4e2d\r")),
        Arguments.of("untyped value is a string", "<value>plain text</value>", new JsonPrimitive("plain text")),
        Arguments.of("empty untyped value", "<value></value>", new JsonPrimitive("")),
        Arguments.of("untyped white space is kept", "<value> </value>", new JsonPrimitive(" ")),
        Arguments.of("double", "<value><double>-12.214</double></value>", new JsonPrimitive(-12.214)),
        Arguments.of("double with exponent (Python)", "<value><double>1e-07</double></value>", new JsonPrimitive(1e-7)),
        Arguments.of("double integral", "<value><double>3</double></value>", new JsonPrimitive(3.0)),
        Arguments.of(
            "dateTime.iso8601",
            "<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>",
            new JsonPrimitive("19980717T14:08:55")),
        Arguments.of(
            "dateTime.iso8601 with dashes and zone",
            "<value><dateTime.iso8601>2024-02-29T23:59:59Z</dateTime.iso8601></value>",
            new JsonPrimitive("2024-02-29T23:59:59Z")),
        Arguments.of("base64", "<value><base64>aGVsbG8=</base64></value>", new JsonPrimitive("aGVsbG8=")),
        Arguments.of("base64 with line breaks", "<value><base64>\naGVs\nbG8=\n</base64></value>", new JsonPrimitive("aGVsbG8=")),
        Arguments.of("nil", "<value><nil/></value>", JsonNull.INSTANCE),
        Arguments.of(
            "Apache ex:nil",
            "<value><ex:nil xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"/></value>",
            JsonNull.INSTANCE),
        Arguments.of("empty struct", "<value><struct></struct></value>", new JsonObject()),
        Arguments.of(
            "struct",
            "<value><struct><member><name>a</name><value><int>1</int></value></member>"
                + "<member><name>b</name><value>x</value></member></struct></value>",
            JsonParser.parseString("{\"a\":1,\"b\":\"x\"}")),
        Arguments.of("empty array", "<value><array><data/></array></value>", new JsonArray()),
        Arguments.of(
            "array of mixed values",
            "<value><array><data><value><int>1</int></value><value>s</value><value><nil/></value></data></array></value>",
            JsonParser.parseString("[1,\"s\",null]")),
        Arguments.of(
            "pretty printed, comments ignored",
            "<value>\n  <struct>\n    <!-- note -->\n    <member>\n      <name>k</name>\n      <value>\n        <array>\n"
                + "          <data>\n            <value><boolean>1</boolean></value>\n          </data>\n        </array>\n"
                + "      </value>\n    </member>\n  </struct>\n</value>",
            JsonParser.parseString("{\"k\":[true]}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyType")
  void readsEveryType(String name, String value, JsonElement expected) throws XmlRpcFault {
    assertThat(parseValue(value)).isEqualTo(expected);
  }

  @Test
  void readsMethodNameAndParamsInOrder() throws XmlRpcFault {
    XmlRpcCall c = parse("<methodCall>\n <methodName> getVdsCapabilities </methodName>\n <params>\n"
        + "  <param><value><int>1</int></value></param>\n  <param><value>two</value></param>\n </params>\n</methodCall>\n");
    assertThat(c.methodName()).isEqualTo("getVdsCapabilities");
    assertThat(c.params()).containsExactly(new JsonPrimitive(1), new JsonPrimitive("two"));
  }

  @Test
  void paramsElementIsOptional() throws XmlRpcFault {
    assertThat(parse("<methodCall><methodName>ping</methodName></methodCall>").params()).isEmpty();
    assertThat(parse("<methodCall><methodName>ping</methodName><params/></methodCall>").params()).isEmpty();
  }

  @Test
  void honoursTheDeclaredEncoding() throws XmlRpcFault {
    byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>m</methodName>"
        + "<params><param><value>caf\u00e9</value></param></params></methodCall>").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(XmlRpcCodec.parseCall(latin1, XmlRpcLimits.DEFAULTS).params()).containsExactly(new JsonPrimitive("caf\u00e9"));
  }

  // ------------------------------------------------------------------ round trips

  static Stream<Arguments> roundTrips() {
    JsonObject nested = new JsonObject();
    nested.addProperty("vmId", "5e0c2e3a-6a10-4a43-9c3a-1f0d9c1c4b7e");
    nested.addProperty("memSize", 1024);
    nested.add("devices", JsonParser.parseString("[{\"type\":\"disk\",\"readonly\":false},{\"type\":\"nic\",\"x\":null}]"));
    nested.add("custom", new JsonObject());
    return Stream.of(
        Arguments.of("null", JsonNull.INSTANCE),
        Arguments.of("true", new JsonPrimitive(true)),
        Arguments.of("false", new JsonPrimitive(false)),
        Arguments.of("zero", new JsonPrimitive(0)),
        Arguments.of("int32 max", new JsonPrimitive(Integer.MAX_VALUE)),
        Arguments.of("int32 min", new JsonPrimitive(Integer.MIN_VALUE)),
        Arguments.of("int32 max + 1", new JsonPrimitive(Integer.MAX_VALUE + 1L)),
        Arguments.of("int64 min", new JsonPrimitive(Long.MIN_VALUE)),
        Arguments.of("JSON-parsed integer", JsonParser.parseString("123456789012")),
        Arguments.of("double", new JsonPrimitive(0.1)),
        Arguments.of("tiny double", new JsonPrimitive(-1e-7)),
        Arguments.of("huge double", new JsonPrimitive(1e300)),
        Arguments.of("JSON-parsed double", JsonParser.parseString("2.5")),
        Arguments.of("empty string", new JsonPrimitive("")),
        Arguments.of("markup characters", new JsonPrimitive("<a href=\"x\">&amp;</a> ]]> '")),
        Arguments.of("CR, LF, TAB", new JsonPrimitive("a\r\nb\tc\rd")),
        Arguments.of("non-ASCII and astral", new JsonPrimitive("\u00e9\u4e2d\uD83D\uDE00")),
        Arguments.of("leading and trailing blanks", new JsonPrimitive("  x  ")),
        Arguments.of("empty array", new JsonArray()),
        Arguments.of("nested struct", nested));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roundTrips")
  void callsRoundTrip(String name, JsonElement value) throws XmlRpcFault {
    byte[] xml = XmlRpcCodec.encodeCall("VM.create", List.of(value, new JsonPrimitive("second")));
    XmlRpcCall back = XmlRpcCodec.parseCall(xml, XmlRpcLimits.DEFAULTS);
    assertThat(back.methodName()).isEqualTo("VM.create");
    assertThat(back.params()).containsExactly(value, new JsonPrimitive("second"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roundTrips")
  void responsesRoundTrip(String name, JsonElement value) throws XmlRpcFault {
    XmlRpcResponse back = XmlRpcCodec.parseResponse(XmlRpcCodec.encodeResponse(value), XmlRpcLimits.DEFAULTS);
    assertThat(back.isSuccess()).isTrue();
    assertThat(back.value()).isEqualTo(value);
  }

  @Test
  void faultsRoundTrip() throws XmlRpcFault {
    XmlRpcResponse back =
        XmlRpcCodec.parseResponse(XmlRpcCodec.encodeFault(-32601, "unknown verb: <x> & y"), XmlRpcLimits.DEFAULTS);
    assertThat(back.isSuccess()).isFalse();
    assertThat(back.fault().code()).isEqualTo(-32601);
    assertThat(back.fault().getMessage()).isEqualTo("unknown verb: <x> & y");
  }

  // ------------------------------------------------------------------ writer choices

  private static String response(JsonElement value) {
    return new String(XmlRpcCodec.encodeResponse(value), StandardCharsets.UTF_8);
  }

  @Test
  void writesIntegersByRange() {
    assertThat(response(new JsonPrimitive(7))).contains("<value><int>7</int></value>");
    assertThat(response(new JsonPrimitive(1L << 31))).contains("<value><i8>2147483648</i8></value>");
    assertThat(response(new JsonPrimitive(-(1L << 31) - 1))).contains("<value><i8>-2147483649</i8></value>");
    BigInteger beyond = BigInteger.ONE.shiftLeft(63);
    assertThat(response(new JsonPrimitive(beyond))).contains("<value><string>9223372036854775808</string></value>");
    assertThat(response(JsonParser.parseString("123456789012345678901234567890")))
        .contains("<string>123456789012345678901234567890</string>");
  }

  @Test
  void writesDoublesInPlainNotation() {
    assertThat(response(new JsonPrimitive(1e-7))).contains("<double>0.00000010</double>");
    assertThat(response(new JsonPrimitive(2.0))).contains("<double>2.0</double>");
    assertThat(response(JsonParser.parseString("1.5E3"))).contains("<double>1500.0</double>");
  }

  @Test
  void writesNullAsNilAndBooleansAsDigits() {
    assertThat(response(JsonNull.INSTANCE)).contains("<value><nil/></value>");
    assertThat(response(new JsonPrimitive(true))).contains("<value><boolean>1</boolean></value>");
  }

  @Test
  void writesValuesWithoutXmlRpcFormAsTheirTextInAResponse() {
    // One such value must not break a whole answer (issue 12, defect 5): it goes as a string.
    assertThat(response(new JsonPrimitive(Double.NaN))).contains("<value><string>NaN</string></value>");
    assertThat(response(new JsonPrimitive(Double.POSITIVE_INFINITY))).contains("<value><string>Infinity</string></value>");
  }

  @Test
  void replacesCharactersXmlCannotCarry() throws XmlRpcFault {
    JsonPrimitive odd = new JsonPrimitive("a\u0000b\u0007c\uFFFEd\uD800e");
    String xml = response(odd);
    assertThat(xml).doesNotContain("\u0000").doesNotContain("\u0007");
    JsonElement back = XmlRpcCodec.parseResponse(XmlRpcCodec.encodeResponse(odd), XmlRpcLimits.DEFAULTS).value();
    assertThat(back.getAsString()).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
  }

  @Test
  void faultIsTheSpecShape() {
    String xml = new String(XmlRpcCodec.encodeFault(4, "Virtual machine already exists"), StandardCharsets.UTF_8);
    assertThat(xml)
        .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .contains("<methodResponse><fault><value><struct>"
            + "<member><name>faultCode</name><value><int>4</int></value></member>"
            + "<member><name>faultString</name><value><string>Virtual machine already exists</string></value></member>"
            + "</struct></value></fault></methodResponse>");
  }

  @Test
  void longFaultMessagesAreCut() {
    XmlRpcFault f = new XmlRpcFault(1, "x".repeat(10_000));
    assertThat(f.getMessage()).hasSize(XmlRpcFault.MAX_MESSAGE_CHARS + 3);
  }
}

package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link XmlRpcCodec#encodeCall}, as the engine client uses it: JSON values written as XML-RPC, one
 * row per type, and what a call refuses. (Moved from the engine client's former request writer.)
 */
class XmlRpcEncodeCallTest {

  private static String param(JsonElement v) {
    String doc = new String(XmlRpcCodec.encodeCall("m", List.of(v)), StandardCharsets.UTF_8);
    int start = doc.indexOf("<param>") + "<param>".length();
    return doc.substring(start, doc.indexOf("</param></params>"));
  }

  @Test
  void writesADocumentWithTheVerbAndParamsInOrder() {
    String doc = new String(
        XmlRpcCodec.encodeCall("getVmStats", List.of(new JsonPrimitive("vm-1"), new JsonPrimitive(2))),
        StandardCharsets.UTF_8);
    assertThat(doc).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodCall><methodName>getVmStats</methodName>"
        + "<params><param><value><string>vm-1</string></value></param><param><value><int>2</int></value></param>"
        + "</params></methodCall>\n");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "\"text\"| <value><string>text</string></value>",
    "\"a&b<c>d\"| <value><string>a&amp;b&lt;c&gt;d</string></value>",
    "\"\u00e9\u4e2d\ud83d\ude00\"| <value><string>\u00e9\u4e2d\ud83d\ude00</string></value>",
    "true| <value><boolean>1</boolean></value>",
    "false| <value><boolean>0</boolean></value>",
    "2147483647| <value><int>2147483647</int></value>",
    "-2147483648| <value><int>-2147483648</int></value>",
    "2147483648| <value><i8>2147483648</i8></value>",
    "1.0| <value><double>1.0</double></value>",
    "1e3| <value><double>1000.0</double></value>",
    "1e-7| <value><double>0.00000010</double></value>",
    "2.5| <value><double>2.5</double></value>",
    "null| <value><nil/></value>",
    "[]| <value><array><data></data></array></value>",
    "[1,\"x\"]| <value><array><data><value><int>1</int></value><value><string>x</string></value></data></array></value>",
    "{\"a\":{\"b\":true}}| <value><struct><member><name>a</name><value><struct><member><name>b</name><value><boolean>1</boolean></value></member></struct></value></member></struct></value>",
  })
  void writesEachType(String json, String xml) {
    assertThat(param(JsonParser.parseString(json))).isEqualTo(xml);
  }

  @Test
  void carriageReturnsAreEscapedAndOtherWhiteSpaceKept() {
    assertThat(param(new JsonPrimitive("cr\rlf\ntab\t"))).isEqualTo("<value><string>cr&#13;lf\ntab\t</string></value>");
  }

  @Test
  void javaNullIsNil() {
    assertThat(param(JsonNull.INSTANCE)).isEqualTo("<value><nil/></value>");
  }

  @ParameterizedTest(name = "refused: {0}")
  @CsvSource(delimiter = ';', value = {
    "\"nul\\u0000\"",
    "\"bell\\u0007\"",
    "\"lone\\ud800\"",
    "\"\\uffff\"",
    "9223372036854775808",
  })
  void refusesWhatXmlRpcCannotCarry(String json) {
    JsonElement v = JsonParser.parseString(json);
    assertThatThrownBy(() -> XmlRpcCodec.encodeCall("m", List.of(v))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void roundTripsThroughTheResponseParser() throws Exception {
    JsonElement v = JsonParser.parseString("{\"s\":\"a<&>\\r\\n\",\"n\":[1,2.5,true,null],\"big\":9007199254740993}");
    String doc = "<methodResponse><params><param>" + param(v) + "</param></params></methodResponse>";
    XmlRpcResponse back = XmlRpcCodec.parseResponse(doc.getBytes(StandardCharsets.UTF_8), XmlRpcLimits.DEFAULTS);
    assertThat(back.isSuccess()).isTrue();
    assertThat(back.value()).isEqualTo(v);
  }
}

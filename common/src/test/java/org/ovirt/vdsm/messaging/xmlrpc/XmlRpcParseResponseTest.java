package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link XmlRpcCodec#parseResponse}, as the engine client uses it: legacy responses from the
 * network, every value type, faults, and hostile documents. (Moved from the engine client's former
 * response parser.)
 */
class XmlRpcParseResponseTest {

  private static XmlRpcResponse parse(String doc) throws XmlRpcFault {
    return parse(doc, XmlRpcLimits.DEFAULTS.maxDepth());
  }

  private static XmlRpcResponse parse(String doc, int maxDepth) throws XmlRpcFault {
    return XmlRpcCodec.parseResponse(doc.getBytes(StandardCharsets.UTF_8), XmlRpcLimits.DEFAULTS.withMaxDepth(maxDepth));
  }

  private static JsonElement value(String valueXml) throws Exception {
    String doc = "<?xml version=\"1.0\"?>\n<methodResponse><params><param>\n" + valueXml + "\n</param></params></methodResponse>";
    XmlRpcResponse r = parse(doc);
    assertThat(r.isSuccess()).isTrue();
    return r.value();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "<value><int>42</int></value>| 42",
    "<value><i4>-7</i4></value>| -7",
    "<value><i8>9007199254740993</i8></value>| 9007199254740993",
    "<value><ex:i8 xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\">5</ex:i8></value>| 5",
    "<value><boolean>1</boolean></value>| true",
    "<value><boolean>0</boolean></value>| false",
    "<value><double>2.5</double></value>| 2.5",
    "<value><double>nan</double></value>| \"nan\"",
    "<value><double>-inf</double></value>| \"-inf\"",
    "<value><double>Infinity</double></value>| \"Infinity\"",
    "<value><int>2147483648</int></value>| 2147483648",
    "<value><base64>aGVs&#10;bG8=</base64></value>| \"aGVsbG8=\"",
    "<value><string>a &amp; b &lt;c&gt; &#233;</string></value>| \"a & b <c> \u00e9\"",
    "<value><string>line1&#13;&#10;line2</string></value>| \"line1\\r\\nline2\"",
    "<value><string><![CDATA[<raw>]]></string></value>| \"<raw>\"",
    "<value>untyped text</value>| \"untyped text\"",
    "<value></value>| \"\"",
    "<value><string/></value>| \"\"",
    "<value><dateTime.iso8601>20240101T10:00:00</dateTime.iso8601></value>| \"20240101T10:00:00\"",
    "<value><base64>aGVsbG8=</base64></value>| \"aGVsbG8=\"",
    "<value><nil/></value>| null",
    "<value><array><data></data></array></value>| []",
    "<value><array><data><value><int>1</int></value> <value>x</value></data></array></value>| [1,\"x\"]",
    "<value><struct></struct></value>| {}",
    "<value> <struct> <member> <name>a</name> <value><struct><member><name>b</name><value><int>1</int></value></member></struct></value> </member> </struct> </value>| {\"a\":{\"b\":1}}",
  })
  void readsEveryValueType(String xml, String json) throws Exception {
    assertThat(value(xml)).isEqualTo(JsonParser.parseString(json));
  }

  @Test
  void readsAFault() throws Exception {
    XmlRpcResponse r = parse("<?xml version='1.0'?><methodResponse><fault><value><struct>"
        + "<member><name>faultCode</name><value><int>1</int></value></member>"
        + "<member><name>faultString</name><value><string>Virtual machine does not exist</string></value></member>"
        + "</struct></value></fault></methodResponse>");
    assertThat(r.isSuccess()).isFalse();
    assertThat(r.fault().code()).isEqualTo(1);
    assertThat(r.fault().getMessage()).isEqualTo("Virtual machine does not exist");
  }

  @Test
  void aFaultWithoutFaultStringHasAnEmptyMessage() throws Exception {
    XmlRpcResponse r = parse("<methodResponse><fault><value><struct>"
        + "<member><name>faultCode</name><value><int>3</int></value></member>"
        + "</struct></value></fault></methodResponse>");
    assertThat(r.fault().code()).isEqualTo(3);
    assertThat(r.fault().getMessage()).isEmpty();
  }

  @Test
  void skipsCommentsAndProcessingInstructions() throws Exception {
    String doc = "<?xml version='1.0'?><!-- c --><methodResponse><?pi x?><params><param><value><int>1</int></value>"
        + "</param></params></methodResponse><!-- after -->";
    assertThat(parse(doc).value()).isEqualTo(JsonParser.parseString("1"));
  }

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {
    // entity expansion ("billion laughs") and external entities: no DTD at all
    "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;'>]><methodResponse><params><param><value>&lol2;</value></param></params></methodResponse>",
    "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]><methodResponse><params><param><value>&xxe;</value></param></params></methodResponse>",
    "<?xml version='1.0'?><!DOCTYPE methodResponse SYSTEM 'http://127.0.0.1:1/evil.dtd'><methodResponse><params><param><value>x</value></param></params></methodResponse>",
    "<?xml version='1.0'?><methodResponse><params><param><value>&undefined;</value></param></params></methodResponse>",
    "not xml",
    "",
    "<methodResponse><params><param><value><int>1</int></value></param></params>",
    "<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>",
    "<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>",
    "<methodResponse><params><param><value><float>1</float></value></param></params></methodResponse>",
    "<methodResponse><params><param><value>text<int>1</int></value></param></params></methodResponse>",
    "<methodResponse><params><param><value><int>1</int></value></param></params></methodResponse><more/>",
    "<methodResponse></methodResponse>",
    "<methodCall><methodName>x</methodName></methodCall>",
    "<methodResponse><fault><value><string>no struct</string></value></fault></methodResponse>",
    "<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>",
  })
  void refusesMalformedAndHostileDocuments(String doc) {
    assertThatThrownBy(() -> parse(doc)).isInstanceOf(XmlRpcFault.class);
  }

  @Test
  void refusesValuesNestedTooDeep() {
    StringBuilder deep = new StringBuilder("<methodResponse><params><param>");
    for (int i = 0; i < 10; i++) {
      deep.append("<value><array><data>");
    }
    deep.append("<value>x</value>");
    for (int i = 0; i < 10; i++) {
      deep.append("</data></array></value>");
    }
    deep.append("</param></params></methodResponse>");
    String doc = deep.toString();
    assertThatThrownBy(() -> parse(doc, 9))
        .isInstanceOf(XmlRpcFault.class)
        .hasMessageContaining("deeper than 9");
  }

  @Test
  void acceptsNestingUpToTheLimit() throws Exception {
    StringBuilder deep = new StringBuilder("<methodResponse><params><param>");
    for (int i = 0; i < 9; i++) {
      deep.append("<value><array><data>");
    }
    deep.append("<value>x</value>");
    for (int i = 0; i < 9; i++) {
      deep.append("</data></array></value>");
    }
    deep.append("</param></params></methodResponse>");
    assertThat(parse(deep.toString(), 9).isSuccess()).isTrue();
  }
}

package org.ovirt.vdsm.messaging.xmlrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodecTest.call;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exact fault of each grammar rule of the XML-RPC reader: its code ({@code -32600} for
 * well-formed XML outside the grammar, {@code -32700} for what is not XML or carries a DTD) and a
 * text that names what was expected and what was found, with the line. Every document here is on
 * one line, so the line is 1.
 */
class XmlRpcReaderMessagesTest {

  private static XmlRpcFault callFault(String xml) {
    return fault(() -> XmlRpcCodec.parseCall(xml.getBytes(UTF_8), XmlRpcLimits.DEFAULTS));
  }

  private static XmlRpcFault responseFault(String xml) {
    return fault(() -> XmlRpcCodec.parseResponse(xml.getBytes(UTF_8), XmlRpcLimits.DEFAULTS));
  }

  private static XmlRpcFault fault(org.assertj.core.api.ThrowableAssert.ThrowingCallable read) {
    Throwable t = catchThrowable(read);
    assertThat(t).as("a fault").isInstanceOf(XmlRpcFault.class);
    return (XmlRpcFault) t;
  }

  private static void assertInvalid(XmlRpcFault f, String what) {
    assertThat(f.code()).as(f.getMessage()).isEqualTo(XmlRpcFault.INVALID_XML_RPC);
    assertThat(f.getMessage()).isEqualTo("invalid XML-RPC: " + what + " (line 1)");
  }

  private static String response(String inside) {
    return "<methodResponse>" + inside + "</methodResponse>";
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "<methodResponse><params/></methodResponse>|expected <methodCall>, found <methodResponse>",
    "<m:methodCall xmlns:m='urn:x'><methodName>p</methodName></m:methodCall>|expected <methodCall>, found <methodCall>",
    "<methodCall></methodCall>|expected <methodName>, found </methodCall>",
    "<methodCall><params/></methodCall>|expected <methodName>, found <params>",
    "<methodCall><methodName><b>x</b></methodName></methodCall>|<methodName> holds text only, found <b>",
    "<methodCall><methodName>m</methodName><x/></methodCall>|expected <params>, found <x>",
    "<methodCall><methodName>m</methodName><params><x/></params></methodCall>|expected <param>, found <x>",
    "<methodCall><methodName>m</methodName><params><param></param></params></methodCall>|expected <value>, found </param>",
    "<methodCall><methodName>m</methodName><params><param><value>a</value><value>b</value></param></params></methodCall>|expected </param>, found <value>",
    "<methodCall><methodName>m</methodName><params></params><x/></methodCall>|expected </methodCall>, found <x>",
    "<methodCall><methodName>m</methodName><params>x</params></methodCall>|unexpected text",
  })
  void callGrammarFaultsNameWhatWasExpectedAndFound(String xml, String what) {
    assertInvalid(callFault(xml), what);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "<value>x<int>1</int></value>|text and a typed value mixed in one value",
    "<value><int>1</int><int>2</int></value>|expected </value>, found <int>",
    "<value><x:int xmlns:x='urn:x'>1</x:int></value>|unsupported value type {urn:x}int",
    "<value><ex:serializable xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'>rO0=</ex:serializable></value>|unsupported Apache extension type ex:serializable",
    "<value><float>1</float></value>|unsupported value type <float>",
    "<value><nil>x</nil></value>|nil must be empty",
    "<value><int>ten</int></value>|invalid int (32-bit): 'ten'",
    "<value><int>2147483648</int></value>|invalid int (32-bit): '2147483648'",
    "<value><i8>9223372036854775808</i8></value>|invalid i8 (64-bit): '9223372036854775808'",
    "<value><ex:i8 xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'>x</ex:i8></value>|invalid i8 (64-bit): 'x'",
    "<value><boolean>true</boolean></value>|boolean must be 0 or 1, not 'true'",
    "<value><double>NaN</double></value>|invalid double: 'NaN'",
    "<value><double>1e400</double></value>|invalid double (out of range): '1e400'",
    "<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>|invalid dateTime.iso8601: 'yesterday'",
    "<value><base64>a</base64></value>|invalid base64",
    "<value><struct><x/></struct></value>|expected <member>, found <x>",
    "<value><struct><member><value>1</value></member></struct></value>|expected <name>, found <value>",
    "<value><struct><member><name>a</name></member></struct></value>|expected <value>, found </member>",
    "<value><struct><member><name>a</name><value>1</value><value>2</value></member></struct></value>|expected </member>, found <value>",
    "<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>|struct member 'a' appears twice",
    "<value><array></array></value>|expected <data>, found </array>",
    "<value><array><data><x/></data></array></value>|expected <value>, found <x>",
    "<value><array><data/><data/></array></value>|expected </array>, found <data>",
  })
  void valueFaultsNameTheOffendingValue(String value, String what) {
    assertInvalid(callFault(call(value)), what);
  }

  @Test
  void offendingTextIsQuotedUpToFortyCharacters() {
    String forty = "t".repeat(40);
    assertInvalid(callFault(call("<value><boolean>" + forty + "</boolean></value>")),
        "boolean must be 0 or 1, not '" + forty + "'");
    assertInvalid(callFault(call("<value><boolean>" + forty + "u</boolean></value>")),
        "boolean must be 0 or 1, not '" + forty + "...'");
    String name = "n".repeat(41);
    String member = "<member><name>" + name + "</name><value>1</value></member>";
    assertInvalid(callFault(call("<value><struct>" + member + member + "</struct></value>")),
        "struct member '" + "n".repeat(40) + "...' appears twice");
  }

  @Test
  void theLineOfTheFaultIsTheLineWhereItWasFound() {
    XmlRpcFault f = callFault("<methodCall>\n<methodName>m</methodName>\n<params>\n<param>\n<value><int>x</int></value>"
        + "</param></params></methodCall>");
    assertThat(f.getMessage()).isEqualTo("invalid XML-RPC: invalid int (32-bit): 'x' (line 5)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "empty internal subset|<!DOCTYPE methodCall []>",
    "an entity|<!DOCTYPE methodCall [<!ENTITY a 'x'>]>",
    "an external entity|<!DOCTYPE methodCall [<!ENTITY a SYSTEM 'http://127.0.0.1:1/a'>]>",
    "an external subset|<!DOCTYPE methodCall SYSTEM 'http://127.0.0.1:1/x.dtd'>",
    "a public external subset|<!DOCTYPE methodCall PUBLIC '-//x//EN' 'http://127.0.0.1:1/x.dtd'>",
    "a parameter entity|<!DOCTYPE methodCall [<!ENTITY % p SYSTEM 'http://127.0.0.1:1/p'> %p;]>",
  })
  void aDoctypeIsRefusedAtItsDeclarationAsNotWellFormedWithoutALine(String name, String doctype) {
    XmlRpcFault f = callFault("<?xml version='1.0'?>" + doctype + call("<value>x</value>"));
    assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    assertThat(f.getMessage()).isEqualTo("DTDs are not allowed (DOCTYPE refused)");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "<methodResponse></methodResponse>|expected <element>, found </methodResponse>",
    "<methodResponse><x/></methodResponse>|expected <params>, found <x>",
    "<methodResponse><params></params></methodResponse>|expected <param>, found </params>",
    "<methodResponse><params><param><value>1</value></param><param/></params></methodResponse>|expected </params>, found <param>",
    "<methodResponse><params><param><value>1</value></param></params><x/></methodResponse>|expected </methodResponse>, found <x>",
    "<methodResponse><fault><value>1</value><x/></fault></methodResponse>|expected </fault>, found <x>",
    "<methodResponse><f:fault xmlns:f='urn:x'><value>1</value></f:fault></methodResponse>|expected <params>, found <fault>",
    "<methodResponse><fault><value>1</value></fault></methodResponse>|fault value is not a struct",
  })
  void responseGrammarFaultsNameWhatWasExpectedAndFound(String xml, String what) {
    assertInvalid(responseFault(xml), what);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "no faultCode|<member><name>faultString</name><value>x</value></member>",
    "faultCode a string|<member><name>faultCode</name><value>1</value></member>",
    "faultCode a struct|<member><name>faultCode</name><value><struct/></value></member>",
    "faultString a number|<member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><int>2</int></value></member>",
    "faultString a struct|<member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><struct/></value></member>",
  })
  void aFaultStructNeedsAnIntCodeAndAStringMessage(String name, String members) {
    assertInvalid(responseFault(response("<fault><value><struct>" + members + "</struct></value></fault>")),
        "fault struct needs an int faultCode and a string faultString");
  }

  @Test
  void aNilFaultStringIsAnEmptyMessage() throws XmlRpcFault {
    XmlRpcResponse r = XmlRpcCodec.parseResponse(response("<fault><value><struct>"
        + "<member><name>faultCode</name><value><int>-5</int></value></member>"
        + "<member><name>faultString</name><value><nil/></value></member>"
        + "</struct></value></fault>").getBytes(UTF_8), XmlRpcLimits.DEFAULTS);
    assertThat(r.isSuccess()).isFalse();
    assertThat(r.fault().code()).isEqualTo(-5);
    assertThat(r.fault().getMessage()).isEmpty();
  }

  @Test
  void aResponseReadsIntAsSixtyFourBitsAndKeepsNonFiniteDoublesAsText() throws XmlRpcFault {
    XmlRpcResponse r = XmlRpcCodec.parseResponse(response("<params><param><value><array><data>"
        + "<value><int>-2147483649</int></value><value><i4>7</i4></value><value><double>+Inf</double></value>"
        + "<value><double>NAN</double></value></data></array></value></param></params>").getBytes(UTF_8),
        XmlRpcLimits.DEFAULTS);
    assertThat(r.value()).isEqualTo(JsonParser.parseString("[-2147483649,7,\"+Inf\",\"NAN\"]"));
    // A call is strict: the same values are faults there.
    assertInvalid(callFault(call("<value><double>+Inf</double></value>")), "invalid double: '+Inf'");
  }
}

package org.ovirt.vdsm.messaging.xmlrpc;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bytes and values the XML-RPC binding must survive: a body that is not the UTF-8 it claims is one
 * fault and nothing on stderr; values JSON can hold but XML-RPC cannot never break a whole answer.
 */
class XmlRpcHostileBytesTest {

  private static String call(String name) {
    return "<?xml version=\"1.0\"?><methodCall><methodName>" + name + "</methodName></methodCall>";
  }

  @Test
  void invalidUtf8IsOneFaultAndNoStrayLineOnStderr() throws Exception {
    byte[] latin1 = call("list\u00e9").getBytes(ISO_8859_1); // 0xE9 alone: not UTF-8
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, UTF_8));
    try {
      assertThatThrownBy(() -> XmlRpcCodec.parseCall(latin1, XmlRpcLimits.DEFAULTS))
          .isInstanceOfSatisfying(XmlRpcFault.class, f -> {
            assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
            assertThat(f.getMessage()).isEqualTo("not well-formed XML: the body is not valid UTF-8");
          });
    } finally {
      System.setErr(saved);
    }
    assertThat(err.toString(UTF_8)).isEmpty();
  }

  @Test
  void declaredLatin1IsStillReadAsLatin1() throws Exception {
    byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>list</methodName>"
        + "<params><param><value><string>caf\u00e9</string></value></param></params></methodCall>").getBytes(ISO_8859_1);
    XmlRpcCall parsed = XmlRpcCodec.parseCall(latin1, XmlRpcLimits.DEFAULTS);
    assertThat(parsed.params().get(0).getAsString()).isEqualTo("caf\u00e9");
  }

  @Test
  void numbersBeyondADoubleAreWrittenAsTheirTextInAResponse() {
    JsonObject stored = JsonParser.parseString("{\"memSize\":1e400,\"neg\":-1e999,\"ok\":1.5}").getAsJsonObject();
    String xml = new String(XmlRpcCodec.encodeResponse(stored), UTF_8);
    assertThat(xml)
        .contains("<member><name>memSize</name><value><string>1e400</string></value></member>")
        .contains("<member><name>neg</name><value><string>-1e999</string></value></member>")
        .contains("<member><name>ok</name><value><double>1.5</double></value></member>");
  }

  @Test
  void integersBeyondSixtyFourBitsAreWrittenAsTheirDigitsInAResponse() {
    String xml = new String(XmlRpcCodec.encodeResponse(JsonParser.parseString("[4294967296, 123456789012345678901234]")), UTF_8);
    assertThat(xml).contains("<value><i8>4294967296</i8></value>")
        .contains("<value><string>123456789012345678901234</string></value>");
  }

  @Test
  void aCallWithAnUnrepresentableNumberIsRefusedBeforeSending() {
    assertThatThrownBy(() -> XmlRpcCodec.encodeCall("create", List.of(JsonParser.parseString("1e400"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1e400");
  }
}

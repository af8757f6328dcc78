package org.ovirt.vdsm.messaging.xmlrpc;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What happens before the XML-RPC grammar: the body bound exactly at and one over, the encoding a
 * body declares (by byte order mark, by its first bytes, by its declaration) deciding whether it is
 * checked as UTF-8, and the parser's own errors as one-line {@code -32700} texts.
 */
class HardenedXmlInputTest {

  private static final String CALL = "<methodCall><methodName>m</methodName><params><param><value><string>caf\u00e9"
      + "</string></value></param></params></methodCall>";

  private static XmlRpcFault fault(byte[] body, XmlRpcLimits limits) {
    Throwable t = catchThrowable(() -> XmlRpcCodec.parseCall(body, limits));
    assertThat(t).as("a fault").isInstanceOf(XmlRpcFault.class);
    return (XmlRpcFault) t;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void aBodyExactlyAtTheBoundIsReadAndOneByteMoreIsRefusedBeforeParsing() throws XmlRpcFault {
    byte[] body = CALL.getBytes(UTF_8);
    XmlRpcCall call = XmlRpcCodec.parseCall(body, XmlRpcLimits.DEFAULTS.withMaxBodyBytes(body.length));
    assertThat(call.params().get(0).getAsString()).isEqualTo("caf\u00e9");
    XmlRpcFault f = fault(body, XmlRpcLimits.DEFAULTS.withMaxBodyBytes(body.length - 1));
    assertThat(f.code()).isEqualTo(XmlRpcFault.INVALID_XML_RPC);
    assertThat(f.getMessage())
        .isEqualTo("body of " + body.length + " bytes exceeds the limit of " + (body.length - 1));
  }

  @Test
  void utf16WithAByteOrderMarkIsReadAsUtf16() throws XmlRpcFault {
    byte[] be = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, CALL.getBytes(UTF_16BE));
    byte[] le = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, CALL.getBytes(UTF_16LE));
    assertThat(XmlRpcCodec.parseCall(be, XmlRpcLimits.DEFAULTS).params().get(0).getAsString()).isEqualTo("caf\u00e9");
    assertThat(XmlRpcCodec.parseCall(le, XmlRpcLimits.DEFAULTS).params().get(0).getAsString()).isEqualTo("caf\u00e9");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"UTF-16BE", "UTF-16LE"})
  void utf16WithoutAByteOrderMarkIsKnownByItsZeroBytes(String encoding) throws XmlRpcFault {
    Charset charset = encoding.equals("UTF-16BE") ? UTF_16BE : UTF_16LE;
    byte[] body = ("<?xml version=\"1.0\" encoding=\"" + encoding + "\"?>" + CALL).getBytes(charset);
    assertThat(XmlRpcCodec.parseCall(body, XmlRpcLimits.DEFAULTS).params().get(0).getAsString()).isEqualTo("caf\u00e9");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"UTF-8", "utf-8", "UTF8", "utf8"})
  void everySpellingOfUtf8DeclaredIsCheckedAsUtf8(String encoding) {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"" + encoding + "\"?>" + CALL).getBytes(ISO_8859_1);
    XmlRpcFault f = fault(body, XmlRpcLimits.DEFAULTS);
    assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    assertThat(f.getMessage()).isEqualTo("not well-formed XML: the body is not valid UTF-8");
  }

  @Test
  void aUtf8ByteOrderMarkBeforeTheDeclarationIsReadAndTheBodyStillChecked() throws XmlRpcFault {
    byte[] body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + CALL).getBytes(UTF_8));
    assertThat(XmlRpcCodec.parseCall(body, XmlRpcLimits.DEFAULTS).params().get(0).getAsString()).isEqualTo("caf\u00e9");
    byte[] bad = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + CALL).getBytes(ISO_8859_1));
    assertThat(fault(bad, XmlRpcLimits.DEFAULTS).getMessage()).isEqualTo("not well-formed XML: the body is not valid UTF-8");
  }

  @Test
  void theParsersErrorIsOneLineWithoutItsLocationPrefixButWithTheLine() {
    byte[] body = "<methodCall>\n<methodName>ping</methodCall></methodName>".getBytes(UTF_8);
    XmlRpcFault f = fault(body, XmlRpcLimits.DEFAULTS);
    assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    assertThat(f.getMessage()).isEqualTo("not well-formed XML: The element type \"methodName\" must be terminated by the "
        + "matching end-tag \"</methodName>\". (line 2)");
  }

  @Test
  void aByteOrderMarkOfUtf16AloneIsLeftToTheParser() {
    // Two bytes: the shortest body whose byte order mark is looked at. It is not judged as UTF-8.
    for (byte[] body : new byte[][] {{(byte) 0xFF, (byte) 0xFE}, {(byte) 0xFE, (byte) 0xFF}}) {
      XmlRpcFault f = fault(body, XmlRpcLimits.DEFAULTS);
      assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
      assertThat(f.getMessage()).startsWith("not well-formed XML: ")
          .isNotEqualTo("not well-formed XML: the body is not valid UTF-8");
    }
  }

  @Test
  void anEncodingTheParserDoesNotKnowIsAFault() {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?>" + CALL).getBytes(UTF_8);
    XmlRpcFault f = fault(body, XmlRpcLimits.DEFAULTS);
    assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    assertThat(f.getMessage()).startsWith("not well-formed XML: ");
  }

  @Test
  void whiteSpaceBetweenElementsIsWhiteSpaceEvenInACdataSection() throws XmlRpcFault {
    // The JDK reader reports a CDATA section as character data: blanks there are white space like any other.
    byte[] body = ("<methodCall><methodName>m</methodName><params><![CDATA[ \n ]]><param><value><int>1</int></value>"
        + "</param></params></methodCall>").getBytes(UTF_8);
    assertThat(XmlRpcCodec.parseCall(body, XmlRpcLimits.DEFAULTS).params()).hasSize(1);
    byte[] text = ("<methodCall><methodName>m</methodName><params><![CDATA[x]]></params></methodCall>").getBytes(UTF_8);
    assertThat(fault(text, XmlRpcLimits.DEFAULTS).getMessage()).isEqualTo("invalid XML-RPC: unexpected text (line 1)");
  }
}

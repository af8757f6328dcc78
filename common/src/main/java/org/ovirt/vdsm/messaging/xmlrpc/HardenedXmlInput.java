package org.ovirt.vdsm.messaging.xmlrpc;

import java.io.ByteArrayInputStream;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Opens untrusted bytes as a StAX stream of the JDK's own parser, hardened: DTD support is off, so
 * a {@code DOCTYPE} arrives as one event, which {@link XmlTagCursor} refuses before any declaration
 * in it is used; no entity is ever expanded and no external entity is ever resolved (a resolver that
 * refuses everything backs this up). The body size is bounded before parsing, and a body that is
 * UTF-8 by its own account is checked to be valid UTF-8 before the parser sees it.
 */
final class HardenedXmlInput {

  private HardenedXmlInput() {}

  /** Reads one document from a reader positioned before its start. */
  interface Document<T> {
    T read(XMLStreamReader xml) throws XMLStreamException, XmlRpcFault;
  }

  /**
   * Runs {@code document} over a hardened reader of {@code bytes}, mapping parser errors to faults:
   * a body over {@link XmlRpcLimits#maxBodyBytes()} is {@code -32600}, bytes that are not what they
   * declare and XML that is not well-formed are {@code -32700}.
   */
  static <T> T read(byte[] bytes, XmlRpcLimits limits, Document<T> document) throws XmlRpcFault {
    if (bytes.length > limits.maxBodyBytes()) {
      throw new XmlRpcFault(
          XmlRpcFault.INVALID_XML_RPC, "body of " + bytes.length + " bytes exceeds the limit of " + limits.maxBodyBytes());
    }
    if (declaresUtf8(bytes) && !isUtf8(bytes)) {
      // Checked here: the JDK parser would print a bare "[Fatal Error]" line to stderr, outside the log.
      throw new XmlRpcFault(XmlRpcFault.NOT_WELL_FORMED, "not well-formed XML: the body is not valid UTF-8");
    }
    XMLStreamReader xml = null;
    try {
      xml = newFactory().createXMLStreamReader(new ByteArrayInputStream(bytes));
      return document.read(xml);
    } catch (XMLStreamException e) {
      throw new XmlRpcFault(XmlRpcFault.NOT_WELL_FORMED, "not well-formed XML: " + parserMessage(e));
    } catch (RuntimeException e) {
      // The JDK parser reports some malformed input (bad encodings) as unchecked exceptions.
      throw new XmlRpcFault(XmlRpcFault.NOT_WELL_FORMED, "not well-formed XML: " + e.getClass().getSimpleName());
    } finally {
      // The reader holds only the byte array: not closing it (an equivalent mutant) leaks nothing.
      if (xml != null) {
        try {
          xml.close();
        } catch (XMLStreamException ignored) {
          // nothing was opened that a close could leak
        }
      }
    }
  }

  /** The encoding named in an XML declaration. */
  private static final Pattern ENCODING = Pattern.compile("^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._-]{1,40})[\"']");

  /**
   * Whether the document is UTF-8 by its own account: no byte order mark of UTF-16/32 and no
   * declared encoding, or UTF-8 declared (XML 1.0, appendix F).
   */
  private static boolean declaresUtf8(byte[] bytes) {
    if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
        || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE) || bytes[0] == 0 || bytes[1] == 0)) {
      return false;
    }
    String head = new String(bytes, 0, Math.min(bytes.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
    java.util.regex.Matcher m = ENCODING.matcher(head.startsWith("\u00EF\u00BB\u00BF") ? head.substring(3) : head);
    return !m.find() || m.group(1).equalsIgnoreCase("UTF-8") || m.group(1).equalsIgnoreCase("UTF8");
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  /**
   * A new factory per document: the JDK's factory is not documented as thread safe. The JDK
   * implementation (not whatever StAX provider is on the class path) so that the hardening below is
   * known to hold.
   */
  private static XMLInputFactory newFactory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    // Layers on purpose: with DTD support off, the grammar refuses the DOCTYPE event before anything
    // in it is used, so external entities off, ACCESS_EXTERNAL_DTD and the resolver each change no
    // outcome alone (an equivalent mutant each); they stay in case one layer fails. Validation off and namespace
    // awareness on are the defaults; coalescing only joins text that the reader appends piece by
    // piece anyway.
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_VALIDATING, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setXMLResolver(
        (publicId, systemId, baseUri, namespace) -> {
          throw new XMLStreamException("external entities are refused");
        });
    return f;
  }

  /** The parser's message without the location prefix the JDK repeats, on one line. */
  private static String parserMessage(XMLStreamException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int at = m.indexOf("Message: ");
    if (at >= 0) { // "> 0" is equivalent: the JDK's text starts with "ParseError at", never "Message: "
      m = m.substring(at + "Message: ".length());
    }
    String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNumber() + ")";
    return m.replace('\n', ' ').replace('\r', ' ').strip() + where;
  }
}

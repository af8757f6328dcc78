package org.ovirt.vdsm.messaging.xmlrpc;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The element grammar of an XML-RPC document over a StAX reader: the next start or end tag with
 * white space, comments and processing instructions skipped, tags expected by name in no
 * namespace, text-only elements, and the faults for what does not fit ({@code -32700} for a DTD or
 * an entity, {@code -32600} for the rest, with the line where it was found).
 */
final class XmlTagCursor {
  private final XMLStreamReader xml;

  XmlTagCursor(XMLStreamReader xml) {
    this.xml = xml;
  }

  /** Skips the prolog (refusing a DTD) and checks the root element's name. */
  void rootElement(String name) throws XMLStreamException, XmlRpcFault {
    expectStart(name);
  }

  /** After the root element: only comments, processing instructions and white space. */
  void endOfDocument() throws XMLStreamException, XmlRpcFault {
    while (xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.END_DOCUMENT) {
        return;
      }
      if (!ignorable(event)) {
        throw unexpected(event);
      }
    }
  }

  /**
   * The next start or end tag, skipping white space, comments and processing instructions; a DTD,
   * an entity reference or other text is an error.
   */
  int nextTag() throws XMLStreamException, XmlRpcFault {
    while (true) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT || event == XMLStreamConstants.END_ELEMENT) {
        return event;
      }
      if (!ignorable(event)) {
        throw unexpected(event);
      }
    }
  }

  private boolean ignorable(int event) throws XmlRpcFault {
    return switch (event) {
      case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION,
          XMLStreamConstants.START_DOCUMENT -> true;
      case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE -> xml.isWhiteSpace();
      default -> false;
    };
  }

  /** The next tag must be the start of {@code name} (any name when {@code null}). */
  void expectStart(String name) throws XMLStreamException, XmlRpcFault {
    if (nextTag() != XMLStreamConstants.START_ELEMENT) {
      throw invalid("expected <" + (name == null ? "element" : name) + ">, found </" + xml.getLocalName() + ">");
    }
    if (name != null) {
      expectName(name);
    }
  }

  /**
   * The next tag must be the end of {@code name}. The name check of an end tag (here and after each
   * loop over child elements in {@link XmlRpcReader}) is a guard only: in a well-formed document an
   * end tag closes the element the grammar is in, so removing it is an equivalent mutant.
   */
  void expectEnd(String name) throws XMLStreamException, XmlRpcFault {
    if (nextTag() != XMLStreamConstants.END_ELEMENT) {
      throw invalid("expected </" + name + ">, found <" + xml.getLocalName() + ">");
    }
    expectName(name);
  }

  boolean noNamespace() {
    String ns = xml.getNamespaceURI();
    return ns == null || ns.isEmpty();
  }

  /** The current tag must be {@code name} in no namespace. */
  void expectName(String name) throws XmlRpcFault {
    if (!xml.getLocalName().equals(name) || !noNamespace()) {
      String tag = xml.isStartElement() ? "<" + xml.getLocalName() + ">" : "</" + xml.getLocalName() + ">";
      throw invalid("expected " + (xml.isStartElement() ? "<" + name + ">" : "</" + name + ">") + ", found " + tag);
    }
  }

  /** The text of the current element (start tag just read), which must hold no element. */
  String textOnly(String element) throws XMLStreamException, XmlRpcFault {
    StringBuilder text = new StringBuilder();
    while (true) {
      int event = xml.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
            text.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
        case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
          // ignored
        }
        case XMLStreamConstants.END_ELEMENT -> {
          return text.toString();
        }
        case XMLStreamConstants.START_ELEMENT ->
            throw invalid("<" + element + "> holds text only, found <" + xml.getLocalName() + ">");
        default -> throw unexpected(event);
      }
    }
  }

  XmlRpcFault unexpected(int event) {
    return switch (event) {
      case XMLStreamConstants.DTD ->
          new XmlRpcFault(XmlRpcFault.NOT_WELL_FORMED, "DTDs are not allowed (DOCTYPE refused)");
      case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
          new XmlRpcFault(XmlRpcFault.NOT_WELL_FORMED, "entities are not allowed");
      case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> invalid("unexpected text");
      case XMLStreamConstants.END_DOCUMENT -> invalid("unexpected end of document");
      default -> invalid("unexpected XML event " + event);
    };
  }

  XmlRpcFault invalid(String message) {
    String where = xml.getLocation() == null ? "" : " (line " + xml.getLocation().getLineNumber() + ")";
    return new XmlRpcFault(XmlRpcFault.INVALID_XML_RPC, "invalid XML-RPC: " + message + where);
  }

  /** Peer text in a message: at most 40 characters of it. */
  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}

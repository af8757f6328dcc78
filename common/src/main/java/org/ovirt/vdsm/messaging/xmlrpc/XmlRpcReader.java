package org.ovirt.vdsm.messaging.xmlrpc;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads XML-RPC documents from untrusted bytes with the JDK's own StAX parser, hardened: a document
 * with a DTD (internal or external) is refused at its {@code DOCTYPE}, before any declaration in it
 * is used, so no entity is ever expanded and no external entity is ever resolved (a resolver that
 * refuses everything backs this up); only the XML-RPC grammar is accepted, element by element, with
 * the nesting of values bounded by {@link XmlRpcLimits#maxDepth()}.
 *
 * <p>A {@code methodResponse} is read with the same hardening but a little more tolerance for what
 * real servers send (Python's {@code xmlrpc} in VDSM): a {@code double} written as {@code nan},
 * {@code inf} or {@code infinity} (any case, signed), which JSON cannot hold, is kept as its text; an
 * {@code int}/{@code i4} is read as 64 bits; a fault without a {@code faultString} has an empty one.
 */
final class XmlRpcReader {
  /** Apache XML-RPC's extension namespace ({@code ex:nil}, {@code ex:i8}). */
  static final String APACHE_EXTENSIONS = "http://ws.apache.org/xmlrpc/namespaces/extensions";

  /** What XML-RPC allows in a method name, and a sane length. */
  private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z0-9_.:/]{1,256}");

  /** Non-finite doubles as Python writes them ({@code repr(float)}), and spelled out. */
  private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

  /** A decimal number: XML-RPC has no exponents, but clients (Python) write them. No NaN/Infinity. */
  private static final Pattern DOUBLE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,4})?");

  /** ISO 8601 as XML-RPC clients write it: {@code 19980717T14:08:55}, with or without dashes, zone. */
  private static final Pattern DATE_TIME =
      Pattern.compile("\\d{4}-?\\d{2}-?\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}(:?\\d{2})?)?");

  private final XMLStreamReader xml;
  private final int maxDepth;
  /** Reading a response: the tolerances in the class comment. */
  private final boolean response;

  private XmlRpcReader(XMLStreamReader xml, int maxDepth, boolean response) {
    this.xml = xml;
    this.maxDepth = maxDepth;
    this.response = response;
  }

  /** Runs {@code body} with a reader over {@code bytes}, mapping parser errors to faults. */
  private static <T> T read(byte[] bytes, XmlRpcLimits limits, boolean response, Body<T> body) throws XmlRpcFault {
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
      return body.read(new XmlRpcReader(xml, limits.maxDepth(), response));
    } catch (XMLStreamException e) {
      throw new XmlRpcFault(XmlRpcFault.NOT_WELL_FORMED, "not well-formed XML: " + parserMessage(e));
    } catch (RuntimeException e) {
      // The JDK parser reports some malformed input (bad encodings) as unchecked exceptions.
      throw new XmlRpcFault(XmlRpcFault.NOT_WELL_FORMED, "not well-formed XML: " + e.getClass().getSimpleName());
    } finally {
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

  private interface Body<T> {
    T read(XmlRpcReader reader) throws XMLStreamException, XmlRpcFault;
  }

  /**
   * A new factory per document: the JDK's factory is not documented as thread safe. The JDK
   * implementation (not whatever StAX provider is on the class path) so that the hardening below is
   * known to hold.
   */
  private static XMLInputFactory newFactory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
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

  /** Reads a {@code methodCall}. */
  static XmlRpcCall readCall(byte[] bytes, XmlRpcLimits limits) throws XmlRpcFault {
    return read(bytes, limits, false, XmlRpcReader::methodCall);
  }

  /** Reads a {@code methodResponse}. */
  static XmlRpcResponse readResponse(byte[] bytes, XmlRpcLimits limits) throws XmlRpcFault {
    return read(bytes, limits, true, XmlRpcReader::methodResponse);
  }

  // ------------------------------------------------------------------ documents

  private XmlRpcCall methodCall() throws XMLStreamException, XmlRpcFault {
    rootElement("methodCall");
    expectStart("methodName");
    String name = textOnly("methodName").strip();
    if (!METHOD_NAME.matcher(name).matches()) {
      throw invalid("invalid methodName (letters, digits, '_', '.', ':', '/'; at most 256)");
    }
    List<JsonElement> params = new ArrayList<>();
    if (nextTag() == XMLStreamConstants.START_ELEMENT) {
      expectName("params");
      while (nextTag() == XMLStreamConstants.START_ELEMENT) {
        expectName("param");
        expectStart("value");
        params.add(value(0));
        expectEnd("param");
      }
      expectName("params");
      expectEnd("methodCall");
    } else {
      expectName("methodCall");
    }
    endOfDocument();
    return new XmlRpcCall(name, params);
  }

  private XmlRpcResponse methodResponse() throws XMLStreamException, XmlRpcFault {
    rootElement("methodResponse");
    expectStart(null);
    XmlRpcResponse response;
    if (xml.getLocalName().equals("fault") && noNamespace()) {
      expectStart("value");
      JsonElement fault = value(0);
      expectEnd("fault");
      response = new XmlRpcResponse(null, fault(fault));
    } else {
      expectName("params");
      expectStart("param");
      expectStart("value");
      JsonElement value = value(0);
      expectEnd("param");
      expectEnd("params");
      response = new XmlRpcResponse(value, null);
    }
    expectEnd("methodResponse");
    endOfDocument();
    return response;
  }

  private XmlRpcFault fault(JsonElement value) throws XmlRpcFault {
    if (!value.isJsonObject()) {
      throw invalid("fault value is not a struct");
    }
    JsonObject s = value.getAsJsonObject();
    JsonElement code = s.get("faultCode");
    JsonElement string = s.get("faultString");
    if (response && (string == null || string.isJsonNull())) {
      string = new JsonPrimitive("");
    }
    if (code == null || !code.isJsonPrimitive() || !code.getAsJsonPrimitive().isNumber()
        || string == null || !string.isJsonPrimitive() || !string.getAsJsonPrimitive().isString()) {
      throw invalid("fault struct needs an int faultCode and a string faultString");
    }
    return new XmlRpcFault(code.getAsInt(), string.getAsString());
  }

  // ------------------------------------------------------------------ values

  /**
   * Reads the content of a {@code value} element (its start tag just read) up to and including its
   * end tag. {@code depth} is the number of containers around it.
   */
  private JsonElement value(int depth) throws XMLStreamException, XmlRpcFault {
    StringBuilder text = new StringBuilder();
    while (true) {
      int event = xml.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
            text.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
        case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
          // ignored
        }
        case XMLStreamConstants.START_ELEMENT -> {
          if (!text.toString().isBlank()) {
            throw invalid("text and a typed value mixed in one value");
          }
          JsonElement typed = typed(depth);
          expectEnd("value");
          return typed;
        }
        case XMLStreamConstants.END_ELEMENT -> {
          return new JsonPrimitive(text.toString()); // untyped: a string, as written
        }
        default -> throw unexpected(event);
      }
    }
  }

  /** Reads a typed value (its start tag just read) up to and including its end tag. */
  private JsonElement typed(int depth) throws XMLStreamException, XmlRpcFault {
    String type = xml.getLocalName();
    String ns = xml.getNamespaceURI();
    boolean extension = APACHE_EXTENSIONS.equals(ns);
    if (ns != null && !ns.isEmpty() && !extension) {
      throw invalid("unsupported value type {" + ns + "}" + type);
    }
    if (extension) {
      return switch (type) {
        case "nil" -> nil();
        case "i8" -> i8(textOnly(type));
        default -> throw invalid("unsupported Apache extension type ex:" + type);
      };
    }
    return switch (type) {
      case "int", "i4" -> i4(textOnly(type));
      case "i8" -> i8(textOnly(type));
      case "boolean" -> bool(textOnly(type).strip());
      case "string" -> new JsonPrimitive(textOnly(type));
      case "double" -> dbl(textOnly(type).strip());
      case "dateTime.iso8601" -> dateTime(textOnly(type).strip());
      case "base64" -> base64(textOnly(type));
      case "nil" -> nil();
      case "struct" -> struct(depth + 1);
      case "array" -> array(depth + 1);
      default -> throw invalid("unsupported value type <" + type + ">");
    };
  }

  private JsonElement nil() throws XMLStreamException, XmlRpcFault {
    if (!textOnly("nil").isBlank()) {
      throw invalid("nil must be empty");
    }
    return JsonNull.INSTANCE;
  }

  private XmlRpcFault invalidNumber(String type, String text) {
    return invalid("invalid " + type + ": '" + abbreviate(text) + "'");
  }

  private JsonElement i4(String text) throws XmlRpcFault {
    try {
      if (response) {
        long l = Long.parseLong(text.strip());
        return l == (int) l ? new JsonPrimitive((int) l) : new JsonPrimitive(l);
      }
      return new JsonPrimitive(Integer.parseInt(text.strip()));
    } catch (NumberFormatException e) {
      throw invalidNumber("int (32-bit)", text);
    }
  }

  private JsonElement i8(String text) throws XmlRpcFault {
    try {
      return new JsonPrimitive(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      throw invalidNumber("i8 (64-bit)", text);
    }
  }

  private JsonElement bool(String text) throws XmlRpcFault {
    return switch (text) {
      case "1" -> new JsonPrimitive(true);
      case "0" -> new JsonPrimitive(false);
      default -> throw invalid("boolean must be 0 or 1, not '" + abbreviate(text) + "'");
    };
  }

  private JsonElement dbl(String text) throws XmlRpcFault {
    if (response && NON_FINITE.matcher(text).matches()) {
      return new JsonPrimitive(text);
    }
    if (!DOUBLE.matcher(text).matches()) {
      throw invalidNumber("double", text);
    }
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d)) {
      throw invalidNumber("double (out of range)", text);
    }
    return new JsonPrimitive(d);
  }

  private JsonElement dateTime(String text) throws XmlRpcFault {
    if (!DATE_TIME.matcher(text).matches()) {
      throw invalid("invalid dateTime.iso8601: '" + abbreviate(text) + "'");
    }
    return new JsonPrimitive(text);
  }

  private JsonElement base64(String text) throws XmlRpcFault {
    StringBuilder compact = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        compact.append(c);
      }
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(compact.toString());
      return new JsonPrimitive(Base64.getEncoder().encodeToString(bytes));
    } catch (IllegalArgumentException e) {
      throw invalid("invalid base64");
    }
  }

  private void checkDepth(int depth) throws XmlRpcFault {
    if (depth > maxDepth) {
      throw invalid("values nested deeper than " + maxDepth + " levels");
    }
  }

  private JsonElement struct(int depth) throws XMLStreamException, XmlRpcFault {
    checkDepth(depth);
    JsonObject object = new JsonObject();
    while (nextTag() == XMLStreamConstants.START_ELEMENT) {
      expectName("member");
      expectStart("name");
      String name = textOnly("name");
      if (object.has(name)) {
        throw invalid("struct member '" + abbreviate(name) + "' appears twice");
      }
      expectStart("value");
      object.add(name, value(depth));
      expectEnd("member");
    }
    expectName("struct");
    return object;
  }

  private JsonElement array(int depth) throws XMLStreamException, XmlRpcFault {
    checkDepth(depth);
    expectStart("data");
    JsonArray array = new JsonArray();
    while (nextTag() == XMLStreamConstants.START_ELEMENT) {
      expectName("value");
      array.add(value(depth));
    }
    expectName("data");
    expectEnd("array");
    return array;
  }

  // ------------------------------------------------------------------ grammar helpers

  /** Skips the prolog (refusing a DTD) and checks the root element's name. */
  private void rootElement(String name) throws XMLStreamException, XmlRpcFault {
    expectStart(name);
  }

  /** After the root element: only comments, processing instructions and white space. */
  private void endOfDocument() throws XMLStreamException, XmlRpcFault {
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
  private int nextTag() throws XMLStreamException, XmlRpcFault {
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
  private void expectStart(String name) throws XMLStreamException, XmlRpcFault {
    if (nextTag() != XMLStreamConstants.START_ELEMENT) {
      throw invalid("expected <" + (name == null ? "element" : name) + ">, found </" + xml.getLocalName() + ">");
    }
    if (name != null) {
      expectName(name);
    }
  }

  /** The next tag must be the end of {@code name}. */
  private void expectEnd(String name) throws XMLStreamException, XmlRpcFault {
    if (nextTag() != XMLStreamConstants.END_ELEMENT) {
      throw invalid("expected </" + name + ">, found <" + xml.getLocalName() + ">");
    }
    expectName(name);
  }

  private boolean noNamespace() {
    String ns = xml.getNamespaceURI();
    return ns == null || ns.isEmpty();
  }

  /** The current tag must be {@code name} in no namespace. */
  private void expectName(String name) throws XmlRpcFault {
    if (!xml.getLocalName().equals(name) || !noNamespace()) {
      String tag = xml.isStartElement() ? "<" + xml.getLocalName() + ">" : "</" + xml.getLocalName() + ">";
      throw invalid("expected " + (xml.isStartElement() ? "<" + name + ">" : "</" + name + ">") + ", found " + tag);
    }
  }

  /** The text of the current element (start tag just read), which must hold no element. */
  private String textOnly(String element) throws XMLStreamException, XmlRpcFault {
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

  private XmlRpcFault unexpected(int event) {
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

  private XmlRpcFault invalid(String message) {
    String where = xml.getLocation() == null ? "" : " (line " + xml.getLocation().getLineNumber() + ")";
    return new XmlRpcFault(XmlRpcFault.INVALID_XML_RPC, "invalid XML-RPC: " + message + where);
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  /** The parser's message without the location prefix the JDK repeats, on one line. */
  private static String parserMessage(XMLStreamException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int at = m.indexOf("Message: ");
    if (at >= 0) {
      m = m.substring(at + "Message: ".length());
    }
    String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNumber() + ")";
    return m.replace('\n', ' ').replace('\r', ' ').strip() + where;
  }
}

package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayInputStream;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an XML-RPC {@code methodResponse}: one value, or a fault. XML from the network is untrusted:
 *
 * <ul>
 *   <li>a document type declaration (DTD) is refused outright, so there are no entity definitions,
 *       no external entities and no entity expansion beyond XML's five predefined entities and
 *       character references; the parser is the JDK's own StAX implementation with DTD support,
 *       external entities and external DTD/schema access switched off as well;
 *   <li>the size is bounded by the caller before parsing (the HTTP body limit);
 *   <li>values nest at most {@code maxDepth} structs/arrays deep.
 * </ul>
 *
 * <p>XML-RPC to JSON: {@code int}, {@code i4}, {@code i8} to integers; {@code boolean} to
 * true/false; {@code double} to a number (a non-finite one, which JSON cannot hold, to its text);
 * {@code string} and untyped text to strings; {@code dateTime.iso8601} and {@code base64} to their
 * text; {@code nil} to null; {@code struct} to an object; {@code array} to an array. Unknown types
 * are refused.
 */
public final class XmlRpcResponseParser {

  /** The default deepest nesting of structs and arrays. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  /** What a response held. */
  public sealed interface Result permits Value, Fault {}

  /** A normal response. */
  public record Value(JsonElement value) implements Result {}

  /** A fault response. */
  public record Fault(int code, String message) implements Result {}

  /** The document is not a well-formed XML-RPC response, or breaks a limit. */
  public static final class MalformedResponseException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final XMLStreamReader xml;
  private final int maxDepth;
  private int depth;

  private XmlRpcResponseParser(XMLStreamReader xml, int maxDepth) {
    this.xml = xml;
    this.maxDepth = maxDepth;
  }

  /** Parses {@code body} with the {@link #DEFAULT_MAX_DEPTH}. */
  public static Result parse(byte[] body) throws MalformedResponseException {
    return parse(body, DEFAULT_MAX_DEPTH);
  }

  /** Parses {@code body}. */
  public static Result parse(byte[] body, int maxDepth) throws MalformedResponseException {
    requireNonNull(body, "body");
    XMLStreamReader reader = null;
    try {
      reader = factory().createXMLStreamReader(new ByteArrayInputStream(body));
      return new XmlRpcResponseParser(reader, maxDepth).response();
    } catch (XMLStreamException | RuntimeException e) {
      throw new MalformedResponseException("malformed XML-RPC response: " + e.getMessage(), e);
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException ignored) {
          // nothing to release
        }
      }
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    return f;
  }

  private Result response() throws XMLStreamException, MalformedResponseException {
    expectStart("methodResponse");
    nextTag();
    Result result;
    if (isStart("params")) {
      expectStart("param");
      expectStart("value");
      JsonElement v = valueBody();
      expectEnd("param");
      expectEnd("params");
      result = new Value(v);
    } else if (isStart("fault")) {
      expectStart("value");
      JsonElement v = valueBody();
      expectEnd("fault");
      if (!v.isJsonObject()) {
        throw bad("a fault must be a struct");
      }
      JsonObject f = v.getAsJsonObject();
      JsonElement code = f.get("faultCode");
      JsonElement text = f.get("faultString");
      if (code == null || !code.isJsonPrimitive() || !code.getAsJsonPrimitive().isNumber()) {
        throw bad("a fault needs an integer faultCode");
      }
      result = new Fault(code.getAsInt(), text == null || text.isJsonNull() ? "" : text.getAsString());
    } else {
      throw bad("expected params or fault in methodResponse");
    }
    expectEnd("methodResponse");
    // Nothing but white space, comments and processing instructions may follow.
    while (xml.hasNext()) {
      int e = xml.next();
      if (e == XMLStreamConstants.START_ELEMENT || e == XMLStreamConstants.DTD) {
        throw bad("content after methodResponse");
      }
    }
    return result;
  }

  /** Reads after a {@code <value>} start tag through its end tag. */
  private JsonElement valueBody() throws XMLStreamException, MalformedResponseException {
    StringBuilder text = new StringBuilder();
    for (;;) {
      int e = next();
      switch (e) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
            text.append(xml.getText());
        case XMLStreamConstants.START_ELEMENT -> {
          if (!text.toString().isBlank()) {
            throw bad("text and a typed value in one <value>");
          }
          JsonElement v = typed(xml.getLocalName());
          expectEnd("value");
          return v;
        }
        case XMLStreamConstants.END_ELEMENT -> {
          return new JsonPrimitive(text.toString()); // untyped value: a string
        }
        default -> throw bad("unexpected XML event " + e + " in <value>");
      }
    }
  }

  private JsonElement typed(String type) throws XMLStreamException, MalformedResponseException {
    switch (type) {
      case "int", "i4", "i8" -> {
        String t = leafText().strip();
        try {
          return new JsonPrimitive(Long.parseLong(t));
        } catch (NumberFormatException e) {
          throw bad("bad " + type + ": " + t);
        }
      }
      case "boolean" -> {
        String t = leafText().strip();
        if (t.equals("1")) {
          return new JsonPrimitive(true);
        }
        if (t.equals("0")) {
          return new JsonPrimitive(false);
        }
        throw bad("bad boolean: " + t);
      }
      case "double" -> {
        String t = leafText().strip();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("nan") || lower.endsWith("inf") || lower.endsWith("infinity")) {
          return new JsonPrimitive(t); // Python writes repr(float): JSON has no such number
        }
        try {
          double d = Double.parseDouble(t);
          return Double.isFinite(d) ? new JsonPrimitive(d) : new JsonPrimitive(t);
        } catch (NumberFormatException e) {
          throw bad("bad double: " + t);
        }
      }
      case "string", "dateTime.iso8601", "base64" -> {
        return new JsonPrimitive(leafText());
      }
      case "nil" -> {
        leafText();
        return JsonNull.INSTANCE;
      }
      case "struct" -> {
        enter();
        JsonObject o = new JsonObject();
        while (nextTag() == XMLStreamConstants.START_ELEMENT) {
          requireName("member");
          expectStart("name");
          String name = leafText();
          expectStart("value");
          o.add(name, valueBody());
          expectEnd("member");
        }
        requireName("struct");
        depth--;
        return o;
      }
      case "array" -> {
        enter();
        expectStart("data");
        JsonArray a = new JsonArray();
        while (nextTag() == XMLStreamConstants.START_ELEMENT) {
          requireName("value");
          a.add(valueBody());
        }
        requireName("data");
        expectEnd("array");
        depth--;
        return a;
      }
      default -> throw bad("unknown XML-RPC type <" + type + ">");
    }
  }

  private void enter() throws MalformedResponseException {
    if (++depth > maxDepth) {
      throw bad("values nested deeper than " + maxDepth);
    }
  }

  /** The text content of a leaf element whose start tag was just read, through its end tag. */
  private String leafText() throws XMLStreamException, MalformedResponseException {
    StringBuilder text = new StringBuilder();
    for (;;) {
      int e = next();
      switch (e) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
            text.append(xml.getText());
        case XMLStreamConstants.END_ELEMENT -> {
          return text.toString();
        }
        default -> throw bad("unexpected XML event " + e + " in a leaf value");
      }
    }
  }

  /** The next event that matters; comments and processing instructions are skipped, a DTD refused. */
  private int next() throws XMLStreamException, MalformedResponseException {
    for (;;) {
      int e = xml.next();
      switch (e) {
        case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
          // skipped
        }
        case XMLStreamConstants.DTD -> throw bad("a DTD is not allowed");
        case XMLStreamConstants.ENTITY_REFERENCE -> throw bad("entity references are not allowed");
        case XMLStreamConstants.END_DOCUMENT -> throw bad("unexpected end of document");
        default -> {
          return e;
        }
      }
    }
  }

  /** The next start or end tag, skipping white space; other text is an error. */
  private int nextTag() throws XMLStreamException, MalformedResponseException {
    for (;;) {
      int e = next();
      if (e == XMLStreamConstants.START_ELEMENT || e == XMLStreamConstants.END_ELEMENT) {
        return e;
      }
      if ((e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.SPACE || e == XMLStreamConstants.CDATA)
          && xml.getText().isBlank()) {
        continue;
      }
      throw bad("unexpected content between tags");
    }
  }

  private boolean isStart(String name) {
    return xml.getEventType() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals(name);
  }

  private void requireName(String name) throws MalformedResponseException {
    if (!xml.getLocalName().equals(name)) {
      throw bad("expected <" + name + ">, got <" + xml.getLocalName() + ">");
    }
  }

  private void expectStart(String name) throws XMLStreamException, MalformedResponseException {
    if (nextTag() != XMLStreamConstants.START_ELEMENT) {
      throw bad("expected <" + name + ">, got </" + xml.getLocalName() + ">");
    }
    requireName(name);
  }

  private void expectEnd(String name) throws XMLStreamException, MalformedResponseException {
    if (nextTag() != XMLStreamConstants.END_ELEMENT) {
      throw bad("expected </" + name + ">, got <" + xml.getLocalName() + ">");
    }
    requireName(name);
  }

  private MalformedResponseException bad(String message) {
    return new MalformedResponseException(message, null);
  }
}

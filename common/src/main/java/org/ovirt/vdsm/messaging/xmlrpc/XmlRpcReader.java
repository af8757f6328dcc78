package org.ovirt.vdsm.messaging.xmlrpc;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads XML-RPC documents (a {@code methodCall} or a {@code methodResponse}) and their values from
 * untrusted bytes, opened by {@link HardenedXmlInput} (no DTD, no entity, size and encoding checked)
 * and walked with {@link XmlTagCursor}: only the XML-RPC grammar is accepted, element by element,
 * with the nesting of values bounded by {@link XmlRpcLimits#maxDepth()}.
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
  private final XmlTagCursor tags;
  private final int maxDepth;
  /** Reading a response: the tolerances in the class comment. */
  private final boolean response;

  private XmlRpcReader(XMLStreamReader xml, int maxDepth, boolean response) {
    this.xml = xml;
    this.tags = new XmlTagCursor(xml);
    this.maxDepth = maxDepth;
    this.response = response;
  }

  /** Reads a {@code methodCall}. */
  static XmlRpcCall readCall(byte[] bytes, XmlRpcLimits limits) throws XmlRpcFault {
    return HardenedXmlInput.read(
        bytes, limits, xml -> new XmlRpcReader(xml, limits.maxDepth(), false).methodCall());
  }

  /** Reads a {@code methodResponse}. */
  static XmlRpcResponse readResponse(byte[] bytes, XmlRpcLimits limits) throws XmlRpcFault {
    return HardenedXmlInput.read(
        bytes, limits, xml -> new XmlRpcReader(xml, limits.maxDepth(), true).methodResponse());
  }

  // ------------------------------------------------------------------ documents

  private XmlRpcCall methodCall() throws XMLStreamException, XmlRpcFault {
    tags.rootElement("methodCall");
    tags.expectStart("methodName");
    String name = tags.textOnly("methodName").strip();
    if (!METHOD_NAME.matcher(name).matches()) {
      throw tags.invalid("invalid methodName (letters, digits, '_', '.', ':', '/'; at most 256)");
    }
    List<JsonElement> params = new ArrayList<>();
    if (tags.nextTag() == XMLStreamConstants.START_ELEMENT) {
      tags.expectName("params");
      while (tags.nextTag() == XMLStreamConstants.START_ELEMENT) {
        tags.expectName("param");
        tags.expectStart("value");
        params.add(value(0));
        tags.expectEnd("param");
      }
      tags.expectName("params");
      tags.expectEnd("methodCall");
    } else {
      tags.expectName("methodCall");
    }
    tags.endOfDocument();
    return new XmlRpcCall(name, params);
  }

  private XmlRpcResponse methodResponse() throws XMLStreamException, XmlRpcFault {
    tags.rootElement("methodResponse");
    tags.expectStart(null);
    XmlRpcResponse response;
    if (xml.getLocalName().equals("fault") && tags.noNamespace()) {
      tags.expectStart("value");
      JsonElement fault = value(0);
      tags.expectEnd("fault");
      response = new XmlRpcResponse(null, fault(fault));
    } else {
      tags.expectName("params");
      tags.expectStart("param");
      tags.expectStart("value");
      JsonElement value = value(0);
      tags.expectEnd("param");
      tags.expectEnd("params");
      response = new XmlRpcResponse(value, null);
    }
    tags.expectEnd("methodResponse");
    tags.endOfDocument();
    return response;
  }

  private XmlRpcFault fault(JsonElement value) throws XmlRpcFault {
    if (!value.isJsonObject()) {
      throw tags.invalid("fault value is not a struct");
    }
    JsonObject s = value.getAsJsonObject();
    JsonElement code = s.get("faultCode");
    JsonElement string = s.get("faultString");
    if (response && (string == null || string.isJsonNull())) {
      string = new JsonPrimitive("");
    }
    if (code == null || !code.isJsonPrimitive() || !code.getAsJsonPrimitive().isNumber()
        || string == null || !string.isJsonPrimitive() || !string.getAsJsonPrimitive().isString()) {
      throw tags.invalid("fault struct needs an int faultCode and a string faultString");
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
            throw tags.invalid("text and a typed value mixed in one value");
          }
          JsonElement typed = typed(depth);
          tags.expectEnd("value");
          return typed;
        }
        case XMLStreamConstants.END_ELEMENT -> {
          return new JsonPrimitive(text.toString()); // untyped: a string, as written
        }
        default -> throw tags.unexpected(event);
      }
    }
  }

  /** Reads a typed value (its start tag just read) up to and including its end tag. */
  private JsonElement typed(int depth) throws XMLStreamException, XmlRpcFault {
    String type = xml.getLocalName();
    String ns = xml.getNamespaceURI();
    boolean extension = APACHE_EXTENSIONS.equals(ns);
    if (ns != null && !ns.isEmpty() && !extension) {
      throw tags.invalid("unsupported value type {" + ns + "}" + type);
    }
    if (extension) {
      return switch (type) {
        case "nil" -> nil();
        case "i8" -> i8(tags.textOnly(type));
        default -> throw tags.invalid("unsupported Apache extension type ex:" + type);
      };
    }
    return switch (type) {
      case "int", "i4" -> i4(tags.textOnly(type));
      case "i8" -> i8(tags.textOnly(type));
      case "boolean" -> bool(tags.textOnly(type).strip());
      case "string" -> new JsonPrimitive(tags.textOnly(type));
      case "double" -> dbl(tags.textOnly(type).strip());
      case "dateTime.iso8601" -> dateTime(tags.textOnly(type).strip());
      case "base64" -> base64(tags.textOnly(type));
      case "nil" -> nil();
      case "struct" -> struct(depth + 1);
      case "array" -> array(depth + 1);
      default -> throw tags.invalid("unsupported value type <" + type + ">");
    };
  }

  private JsonElement nil() throws XMLStreamException, XmlRpcFault {
    if (!tags.textOnly("nil").isBlank()) {
      throw tags.invalid("nil must be empty");
    }
    return JsonNull.INSTANCE;
  }

  private XmlRpcFault invalidNumber(String type, String text) {
    return tags.invalid("invalid " + type + ": '" + XmlTagCursor.abbreviate(text) + "'");
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
      default -> throw tags.invalid("boolean must be 0 or 1, not '" + XmlTagCursor.abbreviate(text) + "'");
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
      throw tags.invalid("invalid dateTime.iso8601: '" + XmlTagCursor.abbreviate(text) + "'");
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
      throw tags.invalid("invalid base64");
    }
  }

  private void checkDepth(int depth) throws XmlRpcFault {
    if (depth > maxDepth) {
      throw tags.invalid("values nested deeper than " + maxDepth + " levels");
    }
  }

  private JsonElement struct(int depth) throws XMLStreamException, XmlRpcFault {
    checkDepth(depth);
    JsonObject object = new JsonObject();
    while (tags.nextTag() == XMLStreamConstants.START_ELEMENT) {
      tags.expectName("member");
      tags.expectStart("name");
      String name = tags.textOnly("name");
      if (object.has(name)) {
        throw tags.invalid("struct member '" + XmlTagCursor.abbreviate(name) + "' appears twice");
      }
      tags.expectStart("value");
      object.add(name, value(depth));
      tags.expectEnd("member");
    }
    tags.expectName("struct");
    return object;
  }

  private JsonElement array(int depth) throws XMLStreamException, XmlRpcFault {
    checkDepth(depth);
    tags.expectStart("data");
    JsonArray array = new JsonArray();
    while (tags.nextTag() == XMLStreamConstants.START_ELEMENT) {
      tags.expectName("value");
      array.add(value(depth));
    }
    tags.expectName("data");
    tags.expectEnd("array");
    return array;
  }

}

package org.ovirt.vdsm.messaging.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import java.util.List;

/**
 * The legacy XML-RPC wire format, shared by both ends: XML-RPC documents to and from Gson {@link
 * JsonElement}s, so that legacy calls run through the same JSON-RPC methods as everything else. The
 * host reads calls and writes responses and faults; the engine client writes calls and reads
 * responses. Written for untrusted input in both directions: see {@link #parseCall} for what is
 * refused.
 *
 * <p>Reading (XML-RPC to JSON):
 *
 * <table>
 *   <caption>XML-RPC values read</caption>
 *   <tr><th>XML-RPC</th><th>JSON</th></tr>
 *   <tr><td>{@code int}, {@code i4}</td><td>number (32-bit; out of range is a fault)</td></tr>
 *   <tr><td>{@code i8}, Apache's {@code ex:i8}</td><td>number (64-bit)</td></tr>
 *   <tr><td>{@code boolean} ({@code 0} or {@code 1} only)</td><td>{@code false}, {@code true}</td></tr>
 *   <tr><td>{@code string}, untyped {@code value}</td><td>string, white space kept</td></tr>
 *   <tr><td>{@code double} (decimal, an exponent tolerated; no NaN or infinity: those, and numbers beyond
 *       a double, go in a response as a {@code string} of their text)</td><td>number</td></tr>
 *   <tr><td>{@code dateTime.iso8601}</td><td>string, the ISO 8601 text as sent (checked)</td></tr>
 *   <tr><td>{@code base64} (white space allowed)</td><td>string, the canonical base64 text</td></tr>
 *   <tr><td>{@code struct}</td><td>object, members in order (a repeated name is a fault)</td></tr>
 *   <tr><td>{@code array}</td><td>array</td></tr>
 *   <tr><td>{@code nil}, Apache's {@code ex:nil}</td><td>{@code null}</td></tr>
 * </table>
 *
 * <p>Writing (JSON to XML-RPC): {@code null} is {@code <nil/>}; booleans {@code <boolean>}; strings
 * {@code <string>} (CR written as {@code &#13;}, characters XML 1.0 cannot carry replaced by
 * U+FFFD); integers {@code <int>} when they fit 32 bits, {@code <i8>} when they fit 64 bits, else
 * their digits as a {@code <string>}; other numbers {@code <double>} in plain decimal notation;
 * objects {@code <struct>}; arrays {@code <array>}. In a {@code methodCall} ({@link #encodeCall})
 * what cannot be carried faithfully (those characters, integers beyond 64 bits) is refused with
 * {@link IllegalArgumentException} instead. Note that stock Apache XML-RPC clients read
 * {@code <nil/>} and {@code <i8>} only with a type factory that knows them; Python's {@code
 * xmlrpc.client} reads both.
 */
public final class XmlRpcCodec {
  private XmlRpcCodec() {}

  /**
   * Parses a {@code methodCall} from untrusted bytes (the encoding comes from the XML declaration,
   * UTF-8 by default).
   *
   * <p>Refused with a fault: a body larger than {@code limits.maxBodyBytes()}; any DTD ({@code
   * DOCTYPE}), so no entity is declared, expanded or resolved, and no file or URL is ever opened;
   * XML that is not well-formed; anything outside the XML-RPC grammar; values nested deeper than
   * {@code limits.maxDepth()}; numbers out of range; a method name other than letters, digits and
   * {@code _ . : /} (at most 256).
   *
   * @throws XmlRpcFault {@link XmlRpcFault#NOT_WELL_FORMED} or {@link XmlRpcFault#INVALID_XML_RPC}
   */
  public static XmlRpcCall parseCall(byte[] body, XmlRpcLimits limits) throws XmlRpcFault {
    requireNonNull(body, "body");
    requireNonNull(limits, "limits");
    return XmlRpcReader.readCall(body, limits);
  }

  /**
   * Parses a {@code methodResponse}, with the same hardening as {@link #parseCall}, tolerating what
   * real (Python) servers send: a {@code double} of {@code nan}, {@code inf} or {@code infinity} (any
   * case, signed) is kept as a JSON string of its text; {@code int} and {@code i4} are read as 64 bits;
   * a fault without a {@code faultString} has an empty message.
   *
   * @throws XmlRpcFault when the document is not a valid response (a fault the document carries is
   *     returned, not thrown)
   */
  public static XmlRpcResponse parseResponse(byte[] body, XmlRpcLimits limits) throws XmlRpcFault {
    requireNonNull(body, "body");
    requireNonNull(limits, "limits");
    return XmlRpcReader.readResponse(body, limits);
  }

  /**
   * A {@code methodCall} document, UTF-8.
   *
   * @throws IllegalArgumentException when a value has no XML-RPC form (NaN, infinity, an integer
   *     beyond 64 bits, a character XML 1.0 cannot carry, in the name or a value)
   */
  public static byte[] encodeCall(String methodName, List<JsonElement> params) {
    requireNonNull(methodName, "methodName");
    requireNonNull(params, "params");
    return XmlRpcWriter.call(methodName, params);
  }

  /**
   * A {@code methodResponse} carrying {@code value}, UTF-8. Never fails on a value: what XML-RPC
   * cannot carry (NaN, infinities, numbers beyond a double or beyond 64-bit integers) is written as
   * its text in a {@code <string>}, characters XML cannot hold as U+FFFD.
   */
  public static byte[] encodeResponse(JsonElement value) {
    requireNonNull(value, "value");
    return XmlRpcWriter.response(value);
  }

  /** A {@code methodResponse} carrying a fault, UTF-8. */
  public static byte[] encodeFault(int code, String message) {
    requireNonNull(message, "message");
    return XmlRpcWriter.fault(code, message);
  }
}

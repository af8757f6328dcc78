package org.ovirt.vdsm.messaging.xmlrpc;

import static java.util.Objects.requireNonNull;

/**
 * An XML-RPC fault: a request that cannot be answered with a result. It carries the {@code
 * faultCode} and {@code faultString} the caller receives and builds its own {@code methodResponse}
 * ({@link #toResponseBody()}).
 *
 * <p>The codes follow the "Specification for Fault Code Interoperability" used by many XML-RPC
 * servers, which are also the JSON-RPC 2.0 codes: {@value #NOT_WELL_FORMED} for XML that cannot be
 * parsed or that carries a DTD, {@value #INVALID_XML_RPC} for well-formed XML that is not a valid
 * {@code methodCall} (unknown type, bad number, nesting too deep), {@value #METHOD_NOT_FOUND} for an
 * unknown verb or one whose method this host does not (yet) provide, {@value #INVALID_PARAMS} for
 * parameters that do not fit the verb, {@value #INTERNAL_ERROR} for a failure of the server itself.
 * Errors of the API methods are not faults: they are answered with VDSM's {@code status} struct.
 */
public final class XmlRpcFault extends Exception {
  private static final long serialVersionUID = 1L;

  /** "parse error. not well formed": not XML, or XML with a DTD. */
  public static final int NOT_WELL_FORMED = -32700;
  /** "server error. invalid xml-rpc. not conforming to spec". */
  public static final int INVALID_XML_RPC = -32600;
  /** "server error. requested method not found". */
  public static final int METHOD_NOT_FOUND = -32601;
  /** "server error. invalid method parameters". */
  public static final int INVALID_PARAMS = -32602;
  /** "server error. internal xml-rpc error". */
  public static final int INTERNAL_ERROR = -32603;

  /** The longest {@code faultString} sent; longer messages are cut (they may quote the input). */
  static final int MAX_MESSAGE_CHARS = 512;

  private final int code;

  /**
   * @param code the {@code faultCode}
   * @param message the {@code faultString}; cut to {@value #MAX_MESSAGE_CHARS} characters
   */
  public XmlRpcFault(int code, String message) {
    super(cut(requireNonNull(message, "message")), null, false, false);
    this.code = code;
  }

  /** The {@code faultCode}. */
  public int code() {
    return code;
  }

  /** A {@code methodResponse} carrying this fault, UTF-8. */
  public byte[] toResponseBody() {
    return XmlRpcCodec.encodeFault(code, getMessage());
  }

  private static String cut(String message) {
    return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "...";
  }
}

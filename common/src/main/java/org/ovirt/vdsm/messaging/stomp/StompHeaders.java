package org.ovirt.vdsm.messaging.stomp;

/** Names of the STOMP 1.2 headers used by this project, and the oVirt-specific ones. */
public final class StompHeaders {
  public static final String ACCEPT_VERSION = "accept-version";
  public static final String VERSION = "version";
  public static final String HOST = "host";
  public static final String LOGIN = "login";
  public static final String PASSCODE = "passcode";
  public static final String HEART_BEAT = "heart-beat";
  public static final String SESSION = "session";
  public static final String SERVER = "server";
  public static final String DESTINATION = "destination";
  public static final String CONTENT_TYPE = "content-type";
  public static final String CONTENT_LENGTH = "content-length";
  public static final String RECEIPT = "receipt";
  public static final String RECEIPT_ID = "receipt-id";
  public static final String ID = "id";
  public static final String ACK = "ack";
  public static final String SUBSCRIPTION = "subscription";
  public static final String MESSAGE_ID = "message-id";
  public static final String TRANSACTION = "transaction";
  public static final String MESSAGE = "message";
  public static final String REPLY_TO = "reply-to";

  /** The oVirt flow id of a request, logged with it on both ends. */
  public static final String OVIRT_CORRELATION_ID = "ovirtCorrelationId";

  /**
   * This project's CONNECT header (value {@code true}): the client handles every frame of each read,
   * so the server may send several frames per flush. The engine's own client (vdsm-jsonrpc-java)
   * parses one frame per read and leaves the rest until more bytes come, so a server flushes every
   * frame on its own unless the client sent this. Peers that do not know it ignore it.
   */
  public static final String ACCEPT_BATCHED_FRAMES = "accept-batched-frames";

  /** The content type of JSON-RPC bodies. */
  public static final String APPLICATION_JSON = "application/json";

  private StompHeaders() {}
}

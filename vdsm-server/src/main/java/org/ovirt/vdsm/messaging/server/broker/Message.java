package org.ovirt.vdsm.messaging.server.broker;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A message held by the broker: where it was sent, its content type, the sender's own headers and
 * the body. The body is shared by every delivery: never modified.
 *
 * @param messageId the broker-wide unique id sent as {@code message-id}
 * @param destination the destination it was sent to
 * @param contentType its content type, or {@code null}
 * @param body its bytes
 * @param headers the SEND's headers that every MESSAGE carries on (see {@link
 *     #userHeaders(List)}), in their order, decoded
 */
public record Message(
    String messageId, String destination, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
  public Message {
    requireNonNull(messageId, "messageId");
    requireNonNull(destination, "destination");
    requireNonNull(body, "body");
    headers = List.copyOf(requireNonNull(headers, "headers"));
  }

  /** A message without headers of its sender. */
  public Message(String messageId, String destination, String contentType, byte[] body) {
    this(messageId, destination, contentType, body, List.of());
  }

  /** The headers the broker sets on every MESSAGE itself; a SEND's values for them are not passed on. */
  static final Set<String> SERVER_OWNED = Set.of(
      "destination", "subscription", "message-id", "ack", "content-length", "content-type", "receipt", "transaction");

  /**
   * The headers of a SEND ({@code sendHeaders}, in frame order) that its MESSAGEs carry: all but the
   * ones the server owns ({@code destination}, {@code subscription}, {@code message-id}, {@code
   * ack}, {@code content-length}, {@code receipt}, {@code transaction}; {@code content-type} travels
   * as {@link #contentType()}). A repeated header is passed on once, with its first value: "only the
   * first header entry SHOULD be used as the value of header entry. Subsequent values are only used
   * to maintain a history of state changes of the header and MAY be ignored" (STOMP 1.2, Repeated
   * Header Entries), so the first is the value every subscriber would use, and repeating the others
   * would hand subscribers a history that belongs to the SEND, not to the MESSAGE.
   */
  public static List<Map.Entry<String, String>> userHeaders(List<Map.Entry<String, String>> sendHeaders) {
    requireNonNull(sendHeaders, "sendHeaders");
    List<Map.Entry<String, String>> out = null;
    for (int i = 0; i < sendHeaders.size(); i++) {
      Map.Entry<String, String> h = sendHeaders.get(i);
      if (SERVER_OWNED.contains(h.getKey()) || seenBefore(sendHeaders, i)) {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(sendHeaders.size() - i);
      }
      out.add(Map.entry(h.getKey(), h.getValue()));
    }
    return out == null ? List.of() : out;
  }

  private static boolean seenBefore(List<Map.Entry<String, String>> headers, int index) {
    String name = headers.get(index).getKey();
    for (int i = 0; i < index; i++) {
      if (headers.get(i).getKey().equals(name)) {
        return true;
      }
    }
    return false;
  }
}

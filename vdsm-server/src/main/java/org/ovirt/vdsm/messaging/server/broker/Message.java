package org.ovirt.vdsm.messaging.server.broker;

import static java.util.Objects.requireNonNull;

/**
 * A message held by the broker: where it was sent, its content type and body. The body is shared
 * by every delivery: never modified.
 *
 * @param messageId the broker-wide unique id sent as {@code message-id}
 * @param destination the destination it was sent to
 * @param contentType its content type, or {@code null}
 * @param body its bytes
 */
public record Message(String messageId, String destination, String contentType, byte[] body) {
  public Message {
    requireNonNull(messageId, "messageId");
    requireNonNull(destination, "destination");
    requireNonNull(body, "body");
  }
}

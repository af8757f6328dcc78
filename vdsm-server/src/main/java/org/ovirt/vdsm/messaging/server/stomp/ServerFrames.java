package org.ovirt.vdsm.messaging.server.stomp;

import java.util.List;
import java.util.Map;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/** The frames the host's STOMP session makes itself: ERROR, RECEIPT and MESSAGE. */
final class ServerFrames {
  private ServerFrames() {}

  /**
   * An ERROR with a plain-text body; it carries {@code receipt-id} when {@code cause} asked for a
   * receipt ("If the error is related to a specific frame sent from the client, the server SHOULD
   * add additional headers to help identify the original frame", STOMP 1.2, ERROR).
   *
   * @param cause the frame refused, or {@code null}
   */
  static StompFrame.Builder error(StompFrame cause, String message, String detail) {
    StompFrame.Builder error = StompFrame.builder(StompCommand.ERROR)
        .header(StompHeaders.MESSAGE, message)
        .header(StompHeaders.CONTENT_TYPE, "text/plain")
        .body(detail);
    if (cause != null && cause.header(StompHeaders.RECEIPT) != null) {
      error.header(StompHeaders.RECEIPT_ID, cause.header(StompHeaders.RECEIPT));
    }
    return error;
  }

  /** The RECEIPT for {@code receiptId}. */
  static StompFrame receipt(String receiptId) {
    return StompFrame.builder(StompCommand.RECEIPT).header(StompHeaders.RECEIPT_ID, receiptId).build();
  }

  /**
   * A MESSAGE to subscription {@code subscriptionId}, the sender's own headers after the ones the
   * server sets (the first value of a header wins).
   *
   * @param contentType {@code null} for none
   * @param ackId the {@code ack} header of a delivery to acknowledge, else {@code null}
   */
  static StompFrame message(String subscriptionId, String destination, String messageId, String contentType,
      byte[] body, String ackId, List<Map.Entry<String, String>> senderHeaders) {
    StompFrame.Builder message = StompFrame.builder(StompCommand.MESSAGE)
        .header(StompHeaders.DESTINATION, destination)
        .header(StompHeaders.SUBSCRIPTION, subscriptionId)
        .header(StompHeaders.MESSAGE_ID, messageId);
    if (contentType != null) {
      message.header(StompHeaders.CONTENT_TYPE, contentType);
    }
    if (ackId != null) {
      message.header(StompHeaders.ACK, ackId);
    }
    for (Map.Entry<String, String> h : senderHeaders) {
      message.header(h.getKey(), h.getValue());
    }
    return message.body(body).build();
  }
}

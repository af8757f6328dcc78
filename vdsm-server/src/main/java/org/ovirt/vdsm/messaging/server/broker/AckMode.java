package org.ovirt.vdsm.messaging.server.broker;

import java.util.Optional;

/** The {@code ack} modes of a STOMP 1.2 SUBSCRIBE. */
public enum AckMode {
  /** "the client does not need to send the server ACK frames": delivered means acknowledged. */
  AUTO("auto"),
  /** An ACK acknowledges that message and every earlier one on the subscription (cumulative). */
  CLIENT("client"),
  /** An ACK acknowledges only that message. */
  CLIENT_INDIVIDUAL("client-individual");

  private final String header;

  AckMode(String header) {
    this.header = header;
  }

  /** The header value, e.g. {@code client-individual}. */
  public String header() {
    return header;
  }

  /** The mode for a header value; {@code null} (no header) means {@link #AUTO}. */
  public static Optional<AckMode> parse(String value) {
    if (value == null) {
      return Optional.of(AUTO);
    }
    for (AckMode m : values()) {
      if (m.header.equals(value)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}

package org.ovirt.vdsm.messaging.stomp;

import java.util.Arrays;
import java.util.Optional;

/**
 * The commands of STOMP 1.2: the client frames of section "Client Frames" and the server frames of
 * section "Server Frames".
 */
public enum StompCommand {
  CONNECT(true, false),
  STOMP(true, false),
  SEND(true, true),
  SUBSCRIBE(true, false),
  UNSUBSCRIBE(true, false),
  ACK(true, false),
  NACK(true, false),
  BEGIN(true, false),
  COMMIT(true, false),
  ABORT(true, false),
  DISCONNECT(true, false),
  CONNECTED(false, false),
  MESSAGE(false, true),
  RECEIPT(false, false),
  ERROR(false, true);

  private static final StompCommand[] VALUES = values();

  private final boolean client;
  private final boolean bodyAllowed;

  StompCommand(boolean client, boolean bodyAllowed) {
    this.client = client;
    this.bodyAllowed = bodyAllowed;
  }

  /** Whether a client sends this command (a server sends the others). */
  public boolean isClientCommand() {
    return client;
  }

  /** "Only the SEND, MESSAGE, and ERROR frames MAY have a body." (STOMP 1.2, Body). */
  public boolean isBodyAllowed() {
    return bodyAllowed;
  }

  /**
   * "The CONNECT and CONNECTED frames do not escape the carriage return, line feed or colon octets in
   * order to remain backward compatible with STOMP 1.0." (STOMP 1.2, Value Encoding)
   */
  public boolean escapesHeaders() {
    return this != CONNECT && this != CONNECTED && this != STOMP;
  }

  /** The command spelled exactly {@code name} (commands are case sensitive), if any. */
  public static Optional<StompCommand> fromName(String name) {
    for (StompCommand c : VALUES) {
      if (c.name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The commands a client may send, in declaration order. */
  public static StompCommand[] clientCommands() {
    return Arrays.stream(VALUES).filter(StompCommand::isClientCommand).toArray(StompCommand[]::new);
  }
}

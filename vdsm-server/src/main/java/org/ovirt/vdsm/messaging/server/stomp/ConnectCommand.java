package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * The answer to CONNECT (or STOMP): the versions the client accepts must include 1.2 and its
 * {@code heart-beat} header must be well formed; the answer is then CONNECTED with VDSM's
 * heart-beat reply ({@link HeartBeat#vdsmServerReply}), the server's name and the session id, else
 * the ERROR to close the connection with.
 */
final class ConnectCommand {
  private ConnectCommand() {}

  /**
   * The answer to a CONNECT.
   *
   * @param reply CONNECTED, or the ERROR when refused
   * @param negotiated the heart-beat in force once CONNECTED is sent, {@code null} when refused
   */
  record Answer(StompFrame reply, HeartBeat.Negotiated negotiated) {
    Answer {
      requireNonNull(reply, "reply");
    }

    /** Whether the CONNECT was refused ({@link #reply} is an ERROR). */
    boolean refused() {
      return negotiated == null;
    }
  }

  /** Answers {@code connect} for the server {@code serverName} in session {@code sessionId}. */
  static Answer answer(StompFrame connect, String serverName, String sessionId) {
    String accepted = connect.header(StompHeaders.ACCEPT_VERSION);
    if (accepted == null || Arrays.stream(accepted.split(",")).map(String::strip).noneMatch("1.2"::equals)) {
      return refused(ServerFrames.error(connect, "unsupported protocol version", "Supported protocol versions are 1.2")
          .header(StompHeaders.VERSION, "1.2")
          .build());
    }
    HeartBeat client;
    try {
      client = HeartBeat.parse(connect.header(StompHeaders.HEART_BEAT));
    } catch (IllegalArgumentException e) {
      return refused(ServerFrames.error(connect, "malformed heart-beat header", e.getMessage()).build());
    }
    HeartBeat reply = HeartBeat.vdsmServerReply(client);
    StompFrame connected = StompFrame.builder(StompCommand.CONNECTED)
        .header(StompHeaders.VERSION, "1.2")
        .header(StompHeaders.HEART_BEAT, reply.format())
        .header(StompHeaders.SERVER, serverName)
        .header(StompHeaders.SESSION, sessionId)
        .build();
    return new Answer(connected, HeartBeat.negotiate(reply, client));
  }

  private static Answer refused(StompFrame error) {
    return new Answer(error, null);
  }
}

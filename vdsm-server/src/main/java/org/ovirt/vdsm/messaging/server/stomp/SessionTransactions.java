package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * The open transactions of one session: BEGIN, the SEND, ACK and NACK frames enlisted in a
 * transaction, COMMIT and ABORT, bounded in how many may be open and how many frames each may hold.
 * Each step returns the ERROR to close the connection with, or what to do. Not thread-safe: the
 * session's event loop only.
 */
final class SessionTransactions {
  private final int maxOpen;
  private final int maxFrames;
  private final Map<String, List<StompFrame>> open = new HashMap<>();

  /**
   * The end of a transaction: the frames to process now, in order (none for ABORT), or the ERROR.
   *
   * @param frames the frames of a COMMIT, empty for ABORT or an error
   * @param error the ERROR to close the connection with, or {@code null}
   */
  record Ending(List<StompFrame> frames, StompFrame error) {
    Ending {
      requireNonNull(frames, "frames");
    }
  }

  /**
   * @param maxOpen transactions that may be open at once
   * @param maxFrames frames one transaction may hold
   */
  SessionTransactions(int maxOpen, int maxFrames) {
    this.maxOpen = maxOpen;
    this.maxFrames = maxFrames;
  }

  /** Whether a frame of {@code command} with a {@code transaction} header waits for its COMMIT. */
  static boolean isTransactional(StompCommand command) {
    return command == StompCommand.SEND || command == StompCommand.ACK || command == StompCommand.NACK;
  }

  /** BEGIN: opens the transaction named by its {@code transaction} header. */
  Optional<StompFrame> begin(StompFrame frame) {
    String tx = frame.header(StompHeaders.TRANSACTION);
    if (tx == null) {
      return error(frame, "malformed BEGIN", "BEGIN needs a transaction header.");
    } else if (open.containsKey(tx)) {
      return error(frame, "transaction already open", "Transaction " + tx + " is open already.");
    } else if (open.size() >= maxOpen) {
      return error(frame, "too many transactions", "At most " + maxOpen + " transactions may be open at once.");
    }
    open.put(tx, new ArrayList<>());
    return Optional.empty();
  }

  /** Keeps {@code frame} for the COMMIT of transaction {@code tx}. */
  Optional<StompFrame> enlist(String tx, StompFrame frame) {
    List<StompFrame> frames = open.get(tx);
    if (frames == null) {
      return error(frame, "unknown transaction", "Transaction " + tx + " was not begun.");
    } else if (frames.size() >= maxFrames) {
      return error(frame, "transaction too large", "A transaction may hold at most " + maxFrames + " frames.");
    }
    frames.add(frame);
    return Optional.empty();
  }

  /** COMMIT or ABORT: the transaction is closed; a COMMIT's frames are to be processed now. */
  Ending end(StompFrame frame) {
    String tx = frame.header(StompHeaders.TRANSACTION);
    List<StompFrame> frames = tx == null ? null : open.remove(tx);
    if (frames == null) {
      return new Ending(List.of(),
          ServerFrames.error(frame, "unknown transaction", "Transaction " + tx + " was not begun.").build());
    }
    return new Ending(frame.command() == StompCommand.COMMIT ? frames : List.of(), null);
  }

  /** Forgets every open transaction (the connection is gone). */
  void clear() {
    open.clear();
  }

  private static Optional<StompFrame> error(StompFrame cause, String message, String detail) {
    return Optional.of(ServerFrames.error(cause, message, detail).build());
  }
}

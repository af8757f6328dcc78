package org.ovirt.vdsm.messaging.server.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * STOMP 1.2 transactions of one session on their own: SEND, ACK and NACK frames naming an open
 * transaction wait for it, COMMIT processes them in order, ABORT drops them; the bounds on open transactions and frames each; every refusal an ERROR
 * value that names the refused frame's receipt.
 */
class SessionTransactionsTest {
  private final SessionTransactions transactions = new SessionTransactions(2, 2);

  private static StompFrame frame(StompCommand command, String tx) {
    StompFrame.Builder b = StompFrame.builder(command);
    if (tx != null) {
      b.header(StompHeaders.TRANSACTION, tx);
    }
    return b.build();
  }

  private static StompFrame send(String tx, String body) {
    return StompFrame.builder(StompCommand.SEND).header(StompHeaders.DESTINATION, "/queue/a")
        .header(StompHeaders.TRANSACTION, tx).body(body).build();
  }

  private static String message(Optional<StompFrame> error) {
    assertThat(error).isPresent();
    assertThat(error.get().command()).isEqualTo(StompCommand.ERROR);
    return error.get().header(StompHeaders.MESSAGE);
  }

  @Test
  void commitGivesTheEnlistedFramesInOrderAndClosesTheTransaction() {
    assertThat(transactions.begin(frame(StompCommand.BEGIN, "t1"))).isEmpty();
    StompFrame first = send("t1", "one");
    StompFrame second = send("t1", "two");
    assertThat(transactions.enlist("t1", first)).isEmpty();
    assertThat(transactions.enlist("t1", second)).isEmpty();

    SessionTransactions.Ending ending = transactions.end(frame(StompCommand.COMMIT, "t1"));

    assertThat(ending.error()).isNull();
    assertThat(ending.frames()).containsExactly(first, second);
    assertThat(transactions.end(frame(StompCommand.COMMIT, "t1")).error().header(StompHeaders.MESSAGE))
        .isEqualTo("unknown transaction");
  }

  @Test
  void abortDropsTheEnlistedFrames() {
    transactions.begin(frame(StompCommand.BEGIN, "t1"));
    transactions.enlist("t1", send("t1", "one"));

    SessionTransactions.Ending ending = transactions.end(frame(StompCommand.ABORT, "t1"));

    assertThat(ending.error()).isNull();
    assertThat(ending.frames()).isEmpty();
  }

  @Test
  void beginWithoutATransactionHeaderIsRefused() {
    assertThat(message(transactions.begin(frame(StompCommand.BEGIN, null)))).isEqualTo("malformed BEGIN");
  }

  @Test
  void beginOfAnOpenTransactionIsRefused() {
    transactions.begin(frame(StompCommand.BEGIN, "t1"));

    assertThat(message(transactions.begin(frame(StompCommand.BEGIN, "t1")))).isEqualTo("transaction already open");
  }

  @Test
  void openTransactionsAreBounded() {
    transactions.begin(frame(StompCommand.BEGIN, "t1"));
    transactions.begin(frame(StompCommand.BEGIN, "t2"));

    Optional<StompFrame> third = transactions.begin(frame(StompCommand.BEGIN, "t3"));

    assertThat(message(third)).isEqualTo("too many transactions");
    assertThat(third.get().bodyAsString()).isEqualTo("At most 2 transactions may be open at once.");
    transactions.end(frame(StompCommand.ABORT, "t1"));
    assertThat(transactions.begin(frame(StompCommand.BEGIN, "t3"))).isEmpty();
  }

  @Test
  void framesPerTransactionAreBounded() {
    transactions.begin(frame(StompCommand.BEGIN, "t1"));
    transactions.enlist("t1", send("t1", "one"));
    transactions.enlist("t1", send("t1", "two"));

    Optional<StompFrame> third = transactions.enlist("t1", send("t1", "three"));

    assertThat(message(third)).isEqualTo("transaction too large");
    assertThat(third.get().bodyAsString()).isEqualTo("A transaction may hold at most 2 frames.");
  }

  @Test
  void aFrameOfAnUnknownTransactionIsRefusedNamingItsReceipt() {
    StompFrame send = StompFrame.builder(StompCommand.SEND).header(StompHeaders.DESTINATION, "/queue/a")
        .header(StompHeaders.TRANSACTION, "nope").header(StompHeaders.RECEIPT, "r-7").build();

    Optional<StompFrame> error = transactions.enlist("nope", send);

    assertThat(message(error)).isEqualTo("unknown transaction");
    assertThat(error.get().header(StompHeaders.RECEIPT_ID)).isEqualTo("r-7");
  }

  @Test
  void commitWithoutATransactionHeaderIsRefused() {
    assertThat(transactions.end(frame(StompCommand.COMMIT, null)).error().header(StompHeaders.MESSAGE))
        .isEqualTo("unknown transaction");
  }

  @Test
  void clearForgetsEveryOpenTransaction() {
    transactions.begin(frame(StompCommand.BEGIN, "t1"));

    transactions.clear();

    assertThat(message(transactions.enlist("t1", send("t1", "one")))).isEqualTo("unknown transaction");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StompCommand.class)
  void onlySendAckAndNackWaitForTheCommit(StompCommand command) {
    boolean expected = command == StompCommand.SEND || command == StompCommand.ACK || command == StompCommand.NACK;

    assertThat(SessionTransactions.isTransactional(command)).isEqualTo(expected);
  }
}

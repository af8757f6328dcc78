package org.ovirt.vdsm.messaging.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The 15 commands of STOMP 1.2 and what the spec says about each. */
class StompCommandTest {

  @Test
  void clientCommandsAreTheElevenTheClientMaySend() {
    assertThat(StompCommand.clientCommands())
        .containsExactly(
            StompCommand.CONNECT, StompCommand.STOMP, StompCommand.SEND, StompCommand.SUBSCRIBE,
            StompCommand.UNSUBSCRIBE, StompCommand.ACK, StompCommand.NACK, StompCommand.BEGIN,
            StompCommand.COMMIT, StompCommand.ABORT, StompCommand.DISCONNECT);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StompCommand.class)
  void onlySendMessageAndErrorMayHaveABody(StompCommand c) {
    // "Only the SEND, MESSAGE, and ERROR frames MAY have a body. All other frames MUST NOT have a body."
    Set<StompCommand> withBody = EnumSet.of(StompCommand.SEND, StompCommand.MESSAGE, StompCommand.ERROR);
    assertThat(c.isBodyAllowed()).isEqualTo(withBody.contains(c));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StompCommand.class)
  void everyFrameButConnectAndConnectedEscapesHeaders(StompCommand c) {
    // STOMP is the 1.2 spelling of CONNECT and is treated like it.
    Set<StompCommand> literal = EnumSet.of(StompCommand.CONNECT, StompCommand.STOMP, StompCommand.CONNECTED);
    assertThat(c.escapesHeaders()).isEqualTo(!literal.contains(c));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StompCommand.class)
  void findsEachCommandByItsExactName(StompCommand c) {
    assertThat(StompCommand.fromName(c.name())).contains(c);
    assertThat(StompCommand.fromName(c.name().toLowerCase())).isEmpty();
  }

  @Test
  void findsNothingForUnknownName() {
    assertThat(StompCommand.fromName("")).isEmpty();
    assertThat(StompCommand.fromName("POST")).isEmpty();
  }
}

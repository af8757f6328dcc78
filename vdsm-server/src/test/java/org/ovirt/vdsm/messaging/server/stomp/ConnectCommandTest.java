package org.ovirt.vdsm.messaging.server.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * The answer to CONNECT on its own: CONNECTED with version 1.2, the server, the session and VDSM's
 * heart-beat reply (the client's values swapped, each non-zero one raised to 1000 ms); ERROR when
 * the client does not accept 1.2 (STOMP 1.2, Protocol Negotiation: without a common version the
 * server answers ERROR with a {@code version} header listing its own) or sends a malformed
 * heart-beat.
 */
class ConnectCommandTest {
  private static StompFrame connect(String acceptVersion, String heartBeat) {
    StompFrame.Builder b = StompFrame.builder(StompCommand.CONNECT).header(StompHeaders.HOST, "h");
    if (acceptVersion != null) {
      b.header(StompHeaders.ACCEPT_VERSION, acceptVersion);
    }
    if (heartBeat != null) {
      b.header(StompHeaders.HEART_BEAT, heartBeat);
    }
    return b.header(StompHeaders.RECEIPT, "r-1").build();
  }

  @Test
  void connectedCarriesVersionServerSessionAndTheSwappedHeartBeat() {
    ConnectCommand.Answer answer = ConnectCommand.answer(connect("1.2", "0,10000"), "vdsm-test", "session-9");

    assertThat(answer.refused()).isFalse();
    StompFrame reply = answer.reply();
    assertThat(reply.command()).isEqualTo(StompCommand.CONNECTED);
    assertThat(reply.header(StompHeaders.VERSION)).isEqualTo("1.2");
    assertThat(reply.header(StompHeaders.HEART_BEAT)).isEqualTo("10000,0");
    assertThat(reply.header(StompHeaders.SERVER)).isEqualTo("vdsm-test");
    assertThat(reply.header(StompHeaders.SESSION)).isEqualTo("session-9");
    assertThat(answer.negotiated()).isEqualTo(new HeartBeat.Negotiated(10_000, 0));
  }

  @Test
  void smallHeartBeatsAreRaisedToTheMinimum() {
    ConnectCommand.Answer answer = ConnectCommand.answer(connect("1.2", "200,300"), "s", "id");

    assertThat(answer.reply().header(StompHeaders.HEART_BEAT)).isEqualTo("1000,1000");
  }

  @Test
  void noHeartBeatHeaderMeansNone() {
    ConnectCommand.Answer answer = ConnectCommand.answer(connect("1.2", null), "s", "id");

    assertThat(answer.reply().header(StompHeaders.HEART_BEAT)).isEqualTo("0,0");
    assertThat(answer.negotiated()).isEqualTo(HeartBeat.Negotiated.NONE);
  }

  @ParameterizedTest(name = "accept-version:{0}")
  @ValueSource(strings = {"1.2", "1.0,1.1,1.2", " 1.1 , 1.2 ", "1.2,1.3"})
  void a12AnywhereInTheListIsAccepted(String versions) {
    assertThat(ConnectCommand.answer(connect(versions, null), "s", "id").refused()).isFalse();
  }

  @ParameterizedTest(name = "accept-version:{0}")
  @ValueSource(strings = {"1.0", "1.1,1.0", "1.20", "", "12"})
  void withoutVersion12TheAnswerIsAnErrorNamingTheSupportedVersion(String versions) {
    ConnectCommand.Answer answer = ConnectCommand.answer(connect(versions, null), "s", "id");

    assertThat(answer.refused()).isTrue();
    assertThat(answer.reply().command()).isEqualTo(StompCommand.ERROR);
    assertThat(answer.reply().header(StompHeaders.MESSAGE)).isEqualTo("unsupported protocol version");
    assertThat(answer.reply().header(StompHeaders.VERSION)).isEqualTo("1.2");
    assertThat(answer.reply().header(StompHeaders.RECEIPT_ID)).isEqualTo("r-1");
  }

  @Test
  void withoutAcceptVersionTheAnswerIsAnError() {
    assertThat(ConnectCommand.answer(connect(null, null), "s", "id").refused()).isTrue();
  }

  @Test
  void aMalformedHeartBeatIsAnError() {
    ConnectCommand.Answer answer = ConnectCommand.answer(connect("1.2", "ten,0"), "s", "id");

    assertThat(answer.refused()).isTrue();
    assertThat(answer.reply().header(StompHeaders.MESSAGE)).isEqualTo("malformed heart-beat header");
  }
}

package org.ovirt.vdsm.messaging.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeartBeatTest {

  private static HeartBeat hb(long send, long receive) {
    return new HeartBeat(send, receive);
  }

  static Stream<Arguments> negotiations() {
    return Stream.of(
        Arguments.of("neither side", hb(0, 0), hb(0, 0), 0, 0),
        Arguments.of("engine 5000,5000 with VDSM 5000,5000", hb(5000, 5000), hb(5000, 5000), 5000, 5000),
        Arguments.of("the slower of can-send and wants", hb(1000, 0), hb(0, 5000), 5000, 0),
        Arguments.of("peer wants none", hb(1000, 1000), hb(1000, 0), 0, 1000),
        Arguments.of("we cannot send", hb(0, 2000), hb(3000, 4000), 0, 3000),
        Arguments.of("asymmetric", hb(100, 200), hb(300, 400), 400, 300));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("negotiations")
  void negotiatesByMaxOfCanSendAndWants(String name, HeartBeat local, HeartBeat remote, long send, long receive) {
    assertThat(HeartBeat.negotiate(local, remote)).isEqualTo(new HeartBeat.Negotiated(send, receive));
    assertThat(HeartBeat.negotiate(remote, local)).isEqualTo(new HeartBeat.Negotiated(receive, send));
  }

  static Stream<Arguments> vdsmReplies() {
    return Stream.of(
        Arguments.of("no heart-beat", hb(0, 0), hb(0, 0)),
        Arguments.of("real engine", hb(5000, 5000), hb(5000, 5000)),
        Arguments.of("client only sends", hb(10000, 0), hb(0, 10000)),
        Arguments.of("client only wants, raised to 1000", hb(0, 500), hb(1000, 0)),
        Arguments.of("both raised to 1000", hb(200, 300), hb(1000, 1000)),
        Arguments.of("swapped, one raised", hb(3000, 200), hb(1000, 3000)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vdsmReplies")
  void vdsmServerReplySwapsAndRaisesToMinimum(String name, HeartBeat client, HeartBeat reply) {
    assertThat(HeartBeat.vdsmServerReply(client)).isEqualTo(reply);
  }

  static Stream<Arguments> minimums() {
    return Stream.of(
        Arguments.of("zero stays zero", hb(0, 0), hb(0, 0)),
        Arguments.of("1 ms raised", hb(1, 0), hb(1000, 0)),
        Arguments.of("just below raised", hb(999, 1000), hb(1000, 1000)),
        Arguments.of("above kept", hb(1001, 0), hb(1001, 0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("minimums")
  void withMinimumRaisesNonZeroIntervals(String name, HeartBeat in, HeartBeat out) {
    assertThat(in.withMinimum(1000)).isEqualTo(out);
  }

  static Stream<Arguments> validHeaders() {
    return Stream.of(
        Arguments.of("0,0", hb(0, 0)),
        Arguments.of("5000,5000", hb(5000, 5000)),
        Arguments.of("0,10000", hb(0, 10000)),
        Arguments.of(" 10 , 20 ", hb(10, 20)),
        Arguments.of("007,8", hb(7, 8)),
        Arguments.of("999999999999999999,0", hb(999_999_999_999_999_999L, 0)));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("validHeaders")
  void parsesValidHeader(String value, HeartBeat expected) {
    assertThat(HeartBeat.parse(value)).isEqualTo(expected);
    assertThat(HeartBeat.parse(expected.format())).isEqualTo(expected);
  }

  @ParameterizedTest(name = "absent header")
  @NullSource
  void absentHeaderMeansNone(String value) {
    assertThat(HeartBeat.parse(value)).isEqualTo(HeartBeat.NONE);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "", "5000", "1,2,3", "-1,0", "a,b", ",", "1,", ",1", " ,1", "1.5,2", "+1,2", "1 2,3", "9999999999999999999,0"
      })
  void refusesInvalidHeader(String value) {
    assertThatThrownBy(() -> HeartBeat.parse(value)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesNegativeValues() {
    assertThatThrownBy(() -> hb(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Arguments> deadPeerTimeouts() {
    return Stream.of(
        Arguments.of("nothing expected", 0L, 1.5, 0L),
        Arguments.of("engine grace 1.5x", 5000L, 1.5, 7500L),
        Arguments.of("no grace", 1000L, 1.0, 1000L),
        Arguments.of("rounded up", 333L, 1.5, 500L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deadPeerTimeouts")
  void deadPeerTimeoutIsReceiveIntervalTimesGrace(String name, long receiveMs, double grace, long expected) {
    assertThat(new HeartBeat.Negotiated(1000, receiveMs).deadPeerTimeoutMs(grace)).isEqualTo(expected);
  }

  @Test
  void refusesGraceBelowOne() {
    assertThatThrownBy(() -> new HeartBeat.Negotiated(0, 1000).deadPeerTimeoutMs(0.9))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

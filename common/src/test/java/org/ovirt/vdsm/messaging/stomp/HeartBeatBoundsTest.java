package org.ovirt.vdsm.messaging.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The edges of heart-beat parsing and negotiation: digit range, value length, zero, the grace factor. */
class HeartBeatBoundsTest {

  @Test
  void acceptsEighteenDigitsAndRefusesNineteen() {
    assertThat(HeartBeat.parse("100000000000000000,1")).isEqualTo(new HeartBeat(100_000_000_000_000_000L, 1));
    assertThatThrownBy(() -> HeartBeat.parse("1000000000000000000,1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad heart-beat value: '1000000000000000000,1'");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"0/,1", "1,0:", "/,1", ":,1"})
  void refusesCharactersNextToTheDigits(String value) {
    // '/' and ':' are the characters just below '0' and just above '9'.
    assertThatThrownBy(() -> HeartBeat.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad heart-beat value: '" + value + "'");
  }

  @Test
  void namesTheHeaderWhenItHasNoSingleComma() {
    assertThatThrownBy(() -> HeartBeat.parse("1,2,3")).hasMessage("heart-beat must be '<send>,<receive>': '1,2,3'");
    assertThatThrownBy(() -> HeartBeat.parse("12")).hasMessage("heart-beat must be '<send>,<receive>': '12'");
  }

  @Test
  void aCommaFirstIsAMissingValueNotAMissingComma() {
    // One comma, at index 0: the shape is right, the send value is empty.
    assertThatThrownBy(() -> HeartBeat.parse(",5")).hasMessage("bad heart-beat value: ',5'");
    assertThatThrownBy(() -> HeartBeat.parse("5,")).hasMessage("bad heart-beat value: '5,'");
  }

  @Test
  void acceptsZeroAndRefusesNegativeEitherWay() {
    assertThat(new HeartBeat(0, 0)).isEqualTo(HeartBeat.NONE);
    assertThatThrownBy(() -> new HeartBeat(0, -1)).hasMessage("heart-beat values must be >= 0: 0,-1");
    assertThatThrownBy(() -> new HeartBeat(-1, 0)).hasMessage("heart-beat values must be >= 0: -1,0");
  }

  @Test
  void formatsAsSendCommaReceive() {
    assertThat(new HeartBeat(5000, 0).format()).isEqualTo("5000,0");
  }

  @Test
  void minimumKeepsZeroAndRaisesOnlyWhatIsBelow() {
    assertThat(new HeartBeat(0, 1).withMinimum(1000)).isEqualTo(new HeartBeat(0, 1000));
    assertThat(new HeartBeat(1000, 1001).withMinimum(1000)).isEqualTo(new HeartBeat(1000, 1001));
  }

  @Test
  void negotiatesZeroWhenEitherSideIsZero() {
    // we cannot send and the peer cannot send: nothing either way
    assertThat(HeartBeat.negotiate(new HeartBeat(0, 7), new HeartBeat(0, 9))).isEqualTo(HeartBeat.Negotiated.NONE);
    // we send what the peer wants at the slower pace; the peer wants to send but we want nothing
    assertThat(HeartBeat.negotiate(new HeartBeat(7, 0), new HeartBeat(5, 9)))
        .isEqualTo(new HeartBeat.Negotiated(9, 0));
  }

  @Test
  void deadPeerTimeoutRefusesGraceBelowOneAndNaN() {
    HeartBeat.Negotiated n = new HeartBeat.Negotiated(0, 1000);
    assertThat(n.deadPeerTimeoutMs(1.0)).isEqualTo(1000);
    assertThatThrownBy(() -> n.deadPeerTimeoutMs(0.999)).hasMessage("graceFactor must be >= 1: 0.999");
    assertThatThrownBy(() -> n.deadPeerTimeoutMs(Double.NaN)).hasMessage("graceFactor must be >= 1: NaN");
    assertThat(new HeartBeat.Negotiated(5, 0).deadPeerTimeoutMs(2.0)).isZero();
    assertThat(new HeartBeat.Negotiated(0, 1).deadPeerTimeoutMs(1.5)).isEqualTo(2);
  }
}

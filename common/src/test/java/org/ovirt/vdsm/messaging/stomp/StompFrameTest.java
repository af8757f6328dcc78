package org.ovirt.vdsm.messaging.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frame value: header order and lookup, builder copies, equality, and what toString shows. */
class StompFrameTest {

  private static StompFrame send() {
    return StompFrame.builder(StompCommand.SEND)
        .header("destination", "/queue/a")
        .header("x", "1")
        .header("x", "2")
        .body("h\u00e9")
        .build();
  }

  @Test
  void keepsHeadersInOrderAndFirstValueWins() {
    StompFrame f = send();
    assertThat(f.headers()).containsExactly(Map.entry("destination", "/queue/a"), Map.entry("x", "1"), Map.entry("x", "2"));
    assertThat(f.header("x")).isEqualTo("1");
    assertThat(f.findHeader("x")).contains("1");
    assertThat(f.header("y")).isNull();
    assertThat(f.findHeader("y")).isEmpty();
  }

  @Test
  void headersCannotBeChanged() {
    assertThatThrownBy(() -> send().headers().add(Map.entry("y", "1")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builtFrameDoesNotFollowItsBuilder() {
    StompFrame.Builder b = StompFrame.builder(StompCommand.SEND).header("a", "1");
    StompFrame first = b.build();
    b.header("b", "2");
    assertThat(first.headers()).containsExactly(Map.entry("a", "1"));
    assertThat(b.build().headers()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void toBuilderCopiesCommandHeadersAndBody() {
    StompFrame original = send();
    StompFrame copy = original.toBuilder().build();
    assertThat(copy).isEqualTo(original);
    assertThat(copy.command()).isEqualTo(StompCommand.SEND);
    StompFrame changed = original.toBuilder().header("y", "3").build();
    assertThat(changed.headers()).hasSize(4).endsWith(Map.entry("y", "3"));
    assertThat(original.headers()).hasSize(3);
    assertThat(changed.body()).isEqualTo(original.body());
  }

  @Test
  void replaceHeaderDropsEveryValueAndAppends() {
    StompFrame f = send().toBuilder().replaceHeader("x", "9").build();
    assertThat(f.headers()).containsExactly(Map.entry("destination", "/queue/a"), Map.entry("x", "9"));
  }

  @Test
  void removeHeaderDropsEveryValue() {
    StompFrame f = send().toBuilder().removeHeader("x").build();
    assertThat(f.headers()).containsExactly(Map.entry("destination", "/queue/a"));
  }

  @Test
  void bodyIsEmptyByDefaultAndTextIsUtf8() {
    assertThat(StompFrame.of(StompCommand.DISCONNECT).body()).isEmpty();
    assertThat(StompFrame.of(StompCommand.DISCONNECT).bodyAsString()).isEmpty();
    assertThat(send().body()).isEqualTo("h\u00e9".getBytes(StandardCharsets.UTF_8)).hasSize(3);
    assertThat(send().bodyAsString()).isEqualTo("h\u00e9");
  }

  @Test
  void equalsComparesCommandHeadersAndBodyBytes() {
    StompFrame f = send();
    assertThat(f).isEqualTo(f).isEqualTo(send()).hasSameHashCodeAs(send());
    assertThat(f).isNotEqualTo(null).isNotEqualTo("SEND");
    assertThat(f).isNotEqualTo(f.toBuilder().body("other").build());
    assertThat(f).isNotEqualTo(f.toBuilder().header("y", "1").build());
    StompFrame message = StompFrame.builder(StompCommand.MESSAGE).build();
    assertThat(StompFrame.builder(StompCommand.SEND).build()).isNotEqualTo(message);
  }

  @Test
  void hashCodeDependsOnCommandHeadersAndBody() {
    StompFrame f = send();
    assertThat(f.hashCode()).isNotEqualTo(f.toBuilder().body("other").build().hashCode());
    assertThat(f.hashCode()).isNotEqualTo(f.toBuilder().header("y", "1").build().hashCode());
    assertThat(StompFrame.of(StompCommand.SEND).hashCode()).isNotEqualTo(StompFrame.of(StompCommand.ACK).hashCode());
  }

  @Test
  void framesDifferingInOneCharacterOfAHeaderValueOrABodyHashApart() {
    // Small differences in the headers' hash must not be divided away: eight message ids in a row,
    // eight bodies in a row, eight distinct hash codes each. (The other arithmetic mutants of
    // hashCode, '-' for '+' and '/' for the first '*', keep every such difference: equivalent.)
    java.util.Set<Integer> byHeader = new java.util.HashSet<>();
    java.util.Set<Integer> byBody = new java.util.HashSet<>();
    for (char c = '1'; c <= '8'; c++) {
      byHeader.add(StompFrame.builder(StompCommand.MESSAGE).header("message-id", "m" + c).build().hashCode());
      byBody.add(StompFrame.builder(StompCommand.MESSAGE).body("{\"id\":" + c + "}").build().hashCode());
    }
    assertThat(byHeader).hasSize(8);
    assertThat(byBody).hasSize(8);
  }

  @Test
  void toStringShowsHeadersAndBodySizeButNoPasscode() {
    StompFrame connect =
        StompFrame.builder(StompCommand.CONNECT).header("login", "admin").header("passcode", "secret").build();
    assertThat(connect.toString()).isEqualTo("CONNECT{login:admin, passcode:***, body=0 bytes}");
    assertThat(send().toString()).isEqualTo("SEND{destination:/queue/a, x:1, x:2, body=3 bytes}");
  }

  @Test
  void refusesNulls() {
    StompFrame.Builder b = StompFrame.builder(StompCommand.SEND);
    assertThatThrownBy(() -> StompFrame.builder(null)).hasMessage("command");
    assertThatThrownBy(() -> b.header(null, "v")).hasMessage("name");
    assertThatThrownBy(() -> b.header("n", null)).hasMessage("value");
    assertThatThrownBy(() -> b.removeHeader(null)).hasMessage("name");
    assertThatThrownBy(() -> b.body((byte[]) null)).hasMessage("body");
    assertThatThrownBy(() -> b.body((String) null)).hasMessage("text");
    assertThatThrownBy(() -> send().header(null)).hasMessage("name");
  }
}

package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The configuration values of {@link TlsMode}. */
class TlsModeTest {

  @Test
  void parsesEachModeIgnoringCaseAndSurroundingBlanks() {
    assertThat(TlsMode.parse("required")).isEqualTo(TlsMode.REQUIRED);
    assertThat(TlsMode.parse(" Optional\t")).isEqualTo(TlsMode.OPTIONAL);
    assertThat(TlsMode.parse("OFF")).isEqualTo(TlsMode.OFF);
  }

  @Test
  void anyOtherValueIsRefusedNamingTheChoicesAndTheValue() {
    assertThatThrownBy(() -> TlsMode.parse("on"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected required, optional or off, got 'on'");
    assertThatThrownBy(() -> TlsMode.parse(null)).isInstanceOf(NullPointerException.class);
  }
}

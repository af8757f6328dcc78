package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a detection setup must hold: a server TLS context when TLS is used, detectors, positive timeouts. */
class DetectionSettingsTest {

  private static final List<ProtocolDetector> DETECTORS =
      List.of(CommandLineDetector.stomp(p -> {}), CommandLineDetector.http(p -> {}));

  @Test
  void plaintextNeedsNoTlsContext() {
    DetectionSettings s = DetectionSettings.of(TlsMode.OFF, null, DETECTORS);
    assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.detectionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.detectors()).containsExactlyElementsOf(DETECTORS);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TlsMode.class, names = "OFF", mode = EnumSource.Mode.EXCLUDE)
  void tlsNeedsATlsContext(TlsMode mode) {
    assertThatThrownBy(() -> DetectionSettings.of(mode, null, DETECTORS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS mode " + mode + " needs an SslContext");
  }

  @Test
  void refusesClientTlsContext() throws Exception {
    SslContext client = SslContextBuilder.forClient().build();
    assertThatThrownBy(() -> DetectionSettings.of(TlsMode.OFF, client, DETECTORS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a server SslContext is needed");
  }

  @Test
  void refusesNoDetectors() {
    assertThatThrownBy(() -> DetectionSettings.of(TlsMode.OFF, null, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one detector is needed");
  }

  @Test
  void refusesZeroOrNegativeTimeoutsAndAcceptsOneNanosecond() {
    Duration tiny = Duration.ofNanos(1);
    assertThat(new DetectionSettings(TlsMode.OFF, null, tiny, tiny, DETECTORS).handshakeTimeout()).isEqualTo(tiny);
    for (Duration bad : List.of(Duration.ZERO, Duration.ofNanos(-1))) {
      assertThatThrownBy(() -> new DetectionSettings(TlsMode.OFF, null, bad, tiny, DETECTORS))
          .hasMessage("timeouts must be positive");
      assertThatThrownBy(() -> new DetectionSettings(TlsMode.OFF, null, tiny, bad, DETECTORS))
          .hasMessage("timeouts must be positive");
    }
  }

  @Test
  void detectorListIsCopied() {
    java.util.ArrayList<ProtocolDetector> list = new java.util.ArrayList<>(DETECTORS);
    DetectionSettings s = DetectionSettings.of(TlsMode.OFF, null, list);
    list.clear();
    assertThat(s.detectors()).hasSize(2);
  }

  @Test
  void byteBudgetIsWhatTheHungriestDetectorNeeds() {
    assertThat(DetectionSettings.of(TlsMode.OFF, null, DETECTORS).byteBudget()).isEqualTo("UNSUBSCRIBE".length() + 2);
    assertThat(DetectionSettings.of(TlsMode.OFF, null, List.of(CommandLineDetector.http(p -> {}))).byteBudget())
        .isEqualTo("OPTIONS".length() + 2);
  }
}

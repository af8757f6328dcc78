package org.ovirt.vdsm.messaging.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcLimits;

/** The dispatcher's settings: each bound at its least allowed value and one below, and the copies. */
class DispatcherSettingsTest {
  private static final Duration MS = Duration.ofMillis(1);

  @Test
  void theLeastAllowedValuesAreAccepted() {
    DispatcherSettings least = new DispatcherSettings(1, 1, 1, 1, Duration.ofNanos(1), JsonRpcLimits.DEFAULTS, 1024);
    assertThat(least.parserThreads()).isEqualTo(1);
    assertThat(least.maxAnswerBytes()).isEqualTo(1024);
  }

  @Test
  void eachValueBelowItsLeastIsRefused() {
    assertThatThrownBy(() -> new DispatcherSettings(0, 1, 1, 1, MS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DispatcherSettings(1, 0, 1, 1, MS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DispatcherSettings(1, 1, 0, 1, MS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DispatcherSettings(1, 1, 1, 0, MS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DispatcherSettings(1, 1, 1, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("requestTimeout must be positive");
    assertThatThrownBy(() -> new DispatcherSettings(1, 1, 1, 1, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DispatcherSettings.DEFAULTS.withMaxAnswerBytes(1023))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAnswerBytes must be >= 1024: 1023");
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertThat(DispatcherSettings.DEFAULTS).isEqualTo(new DispatcherSettings(2, 10_000, 4, 1_000, Duration.ofSeconds(120),
        JsonRpcLimits.DEFAULTS, 16 * 1024 * 1024));
  }

  @Test
  void eachCopyChangesItsOwnValueOnly() {
    JsonRpcLimits limits = JsonRpcLimits.DEFAULTS.withMaxBatchMembers(7);
    DispatcherSettings changed = DispatcherSettings.DEFAULTS
        .withThreadsPerSubsystem(3)
        .withQueuePerSubsystem(5)
        .withRequestTimeout(Duration.ofSeconds(9))
        .withJsonLimits(limits)
        .withMaxAnswerBytes(4096);
    assertThat(changed).isEqualTo(new DispatcherSettings(2, 10_000, 3, 5, Duration.ofSeconds(9), limits, 4096));
  }
}

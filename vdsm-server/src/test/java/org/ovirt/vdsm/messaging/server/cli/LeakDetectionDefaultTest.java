package org.ovirt.vdsm.messaging.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeakDetectionDefaultTest {
  @Test
  void offWhenNoLevelWasAskedFor() {
    assertThat(LeakDetectionDefault.choose(Map.<String, String>of()::get))
        .contains(ResourceLeakDetector.Level.DISABLED);
  }

  @Test
  void leftAloneWhenTheLevelWasAskedFor() {
    assertThat(LeakDetectionDefault.choose(Map.of(LeakDetectionDefault.LEVEL, "simple")::get)).isEmpty();
  }

  @Test
  void leftAloneWhenTheOlderPropertyWasUsed() {
    assertThat(LeakDetectionDefault.choose(Map.of(LeakDetectionDefault.LEGACY_LEVEL, "paranoid")::get)).isEmpty();
  }
}

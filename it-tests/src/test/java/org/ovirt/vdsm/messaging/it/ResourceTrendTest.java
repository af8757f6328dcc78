package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's growth verdict on series made up to have, or not have, a leak. */
class ResourceTrendTest {
  private static final long MIB = 1024 * 1024;
  private static final ResourceTrend.Tolerances TOLERANCES = new ResourceTrend.Tolerances(16 * MIB, 0.10, 128 * MIB, 8, 16);

  /** 20 samples 5 s apart; heap and RSS as given per index, threads and fds as given. */
  private interface Series {
    ResourceSample at(int i);
  }

  private static List<ResourceSample> series(Series s) {
    List<ResourceSample> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(s.at(i));
    }
    return out;
  }

  private static ResourceSample sample(int i, long heap, long rss, int threads, int fds) {
    return new ResourceSample(i * 5_000L, heap, rss, 0, threads, fds, i * 1_000L);
  }

  @Test
  void steadyNoisySeriesDoesNotGrow() {
    // heap swinging +-20 MiB around 100 MiB, one spike of 60 MiB in the middle, fds and threads jittering
    List<ResourceSample> steady = series(i -> sample(i, 100 * MIB + (i % 2 == 0 ? 20 : -20) * MIB + (i == 10 ? 60 * MIB : 0),
        600 * MIB + (i % 3) * 10 * MIB, 60 + i % 4, 120 + i % 7));
    assertThat(ResourceTrend.violations(steady, TOLERANCES)).isEmpty();
  }

  @Test
  void heapGrowingOneMibPerSampleIsALeak() {
    List<ResourceSample> leaking = series(i -> sample(i, 100 * MIB + i * MIB, 600 * MIB, 60, 120));
    assertThat(ResourceTrend.violations(leaking, TOLERANCES)).singleElement().asString().startsWith("heap after GC grows by 19");
  }

  @Test
  void rssGrowingTenMibPerSampleIsALeak() {
    List<ResourceSample> leaking = series(i -> sample(i, 100 * MIB, 600 * MIB + i * 10 * MIB, 60, 120));
    assertThat(ResourceTrend.violations(leaking, TOLERANCES)).singleElement().asString().startsWith("RSS grows by");
  }

  @Test
  void aThreadOrDescriptorPerSampleIsALeak() {
    List<ResourceSample> leaking = series(i -> sample(i, 100 * MIB, 600 * MIB, 60 + i, 120 + i));
    assertThat(ResourceTrend.violations(leaking, TOLERANCES))
        .containsExactly("threads rose from 60 to 79, more than 8 above", "file descriptors rose from 120 to 139, more than 16 above");
  }

  @Test
  void aTrendMeasuresTheGrowthOverTheWindow() {
    List<ResourceSample> linear = series(i -> sample(i, 1_000 + i * 10L, 0, 0, 0));
    assertThat(ResourceTrend.trendOverWindow(linear, ResourceSample::heapAfterGc)).isEqualTo(190);
  }

  @Test
  void refusesTooFewSamples() {
    assertThatThrownBy(() -> ResourceTrend.violations(List.of(sample(0, 1, 1, 1, 1), sample(1, 1, 1, 1, 1)), TOLERANCES))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

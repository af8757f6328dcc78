package org.ovirt.vdsm.messaging.it;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Decides whether a series of {@link ResourceSample}s taken under steady load grows: the heap after
 * GC and the RSS by their least-squares trend over the window (so one noisy sample does not decide),
 * threads and file descriptors by how far any sample rises above the first one.
 */
final class ResourceTrend {

  /**
   * How much growth is tolerated over the whole window.
   *
   * @param heapBytes heap after GC, absolute part
   * @param heapFraction heap after GC, as a fraction of the first sample's (whichever of the two is larger)
   * @param rssBytes resident set size
   * @param threads live threads above the first sample
   * @param fds open file descriptors above the first sample
   */
  record Tolerances(long heapBytes, double heapFraction, long rssBytes, int threads, int fds) {}

  private ResourceTrend() {}

  /**
   * The growths of {@code samples} (taken after warm-up, in time order) that exceed {@code
   * tolerances}, each as one sentence; empty when nothing grows.
   */
  static List<String> violations(List<ResourceSample> samples, Tolerances tolerances) {
    requireNonNull(samples, "samples");
    requireNonNull(tolerances, "tolerances");
    if (samples.size() < 3) {
      throw new IllegalArgumentException("a trend needs at least 3 samples, got " + samples.size());
    }
    List<String> out = new ArrayList<>();
    ResourceSample first = samples.get(0);
    long heapTrend = trendOverWindow(samples, ResourceSample::heapAfterGc);
    long heapAllowed = Math.max(tolerances.heapBytes(), (long) (first.heapAfterGc() * tolerances.heapFraction()));
    if (heapTrend > heapAllowed) {
      out.add(String.format("heap after GC grows by %d bytes over the window (trend), more than %d", heapTrend, heapAllowed));
    }
    long rssTrend = trendOverWindow(samples, ResourceSample::rss);
    if (rssTrend > tolerances.rssBytes()) {
      out.add(String.format("RSS grows by %d bytes over the window (trend), more than %d", rssTrend, tolerances.rssBytes()));
    }
    int maxThreads = samples.stream().mapToInt(ResourceSample::threads).max().orElseThrow();
    if (maxThreads - first.threads() > tolerances.threads()) {
      out.add(String.format("threads rose from %d to %d, more than %d above", first.threads(), maxThreads, tolerances.threads()));
    }
    int maxFds = samples.stream().mapToInt(ResourceSample::fds).max().orElseThrow();
    if (maxFds - first.fds() > tolerances.fds()) {
      out.add(String.format("file descriptors rose from %d to %d, more than %d above", first.fds(), maxFds, tolerances.fds()));
    }
    return out;
  }

  /** Least-squares slope of {@code value} over time, times the window's length: the growth the trend predicts. */
  static long trendOverWindow(List<ResourceSample> samples, ToLongFunction<ResourceSample> value) {
    int n = samples.size();
    double meanT = 0;
    double meanV = 0;
    for (ResourceSample s : samples) {
      meanT += s.elapsedMs();
      meanV += value.applyAsLong(s);
    }
    meanT /= n;
    meanV /= n;
    double cov = 0;
    double var = 0;
    for (ResourceSample s : samples) {
      double dt = s.elapsedMs() - meanT;
      cov += dt * (value.applyAsLong(s) - meanV);
      var += dt * dt;
    }
    if (var == 0) {
      return 0;
    }
    long window = samples.get(n - 1).elapsedMs() - samples.get(0).elapsedMs();
    return (long) (cov / var * window);
  }
}

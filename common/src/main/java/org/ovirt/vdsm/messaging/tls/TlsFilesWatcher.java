package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the files of {@link ReloadingSslContext}s every interval (default {@link
 * #DEFAULT_INTERVAL}) on one daemon thread and reloads a context whose files changed ({@link
 * ReloadingSslContext#reloadIfChanged()}). Polling (size, time and SHA-256 of a few small files)
 * is portable, costs microseconds per interval and sees changes that file-system events miss
 * (files on NFS, replaced through symbolic links). Close it to stop.
 */
public final class TlsFilesWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsFilesWatcher.class);

  /** The default polling interval: 5 seconds. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  private final ScheduledExecutorService timer;

  private TlsFilesWatcher(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /**
   * Starts polling the files of {@code contexts} every {@code interval}.
   *
   * @throws IllegalArgumentException if the interval is not positive or there is nothing to watch
   */
  public static TlsFilesWatcher start(Duration interval, List<ReloadingSslContext> contexts) {
    requireNonNull(interval, "interval");
    List<ReloadingSslContext> watched = List.copyOf(requireNonNull(contexts, "contexts"));
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    if (watched.isEmpty()) {
      throw new IllegalArgumentException("nothing to watch");
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tls-files-watcher");
              thread.setDaemon(true);
              return thread;
            });
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          for (ReloadingSslContext context : watched) {
            try {
              context.reloadIfChanged();
            } catch (RuntimeException e) {
              // never let one failure end the polling
              log.warn("checking the TLS files {} failed: {}", context.files().all(), e.toString());
            }
          }
        },
        millis,
        millis,
        TimeUnit.MILLISECONDS);
    log.debug("watching the TLS files of {} context(s) every {} ms", watched.size(), millis);
    return new TlsFilesWatcher(timer);
  }

  /** Stops polling (a check in progress finishes). */
  @Override
  public void close() {
    timer.shutdown();
  }
}

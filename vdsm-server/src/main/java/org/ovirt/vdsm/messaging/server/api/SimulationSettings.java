package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Timings and bounds of the {@link DefaultHostBackend}'s simulated host. Every duration is zero or
 * more; {@link #defaults()} are short enough to watch a VM boot by hand, {@link #immediate()} makes
 * every transition run as soon as the scheduler gets to it (tests).
 *
 * @param launchDelay {@code WaitForLaunch} to {@code Powering up} (default 100 ms)
 * @param bootDelay {@code Powering up} to {@code Up}, also the second half of a reboot (default 300 ms)
 * @param shutdownDelay {@code Powering down} to {@code Down}, also the first half of a reboot (default
 *     300 ms); a {@code VM.shutdown} {@code delay} is added to it
 * @param taskDuration how long a storage task runs from start to {@code finished} (default 1 s)
 * @param taskProgressSteps progress updates of a task, each one a {@code |jobs|status|} event (default
 *     10, at least 1)
 * @param storageCallLatency artificial latency of every storage method call itself, spent on the
 *     caller's thread before answering (default 0: storage calls answer at once)
 * @param maxVms VMs the host holds at most, {@code Down} ones included (default 10,000)
 * @param maxActiveTasks tasks not yet finished at most (default 1,000)
 * @param maxFinishedTasks finished tasks kept for {@code Task.getStatus} until cleared; past this the
 *     oldest finished task is forgotten (default 1,000)
 * @param maxStorageDomains storage domains known at most, the default one included (default 1,000)
 */
public record SimulationSettings(
    Duration launchDelay,
    Duration bootDelay,
    Duration shutdownDelay,
    Duration taskDuration,
    int taskProgressSteps,
    Duration storageCallLatency,
    int maxVms,
    int maxActiveTasks,
    int maxFinishedTasks,
    int maxStorageDomains) {

  public SimulationSettings {
    requireNonNegative(launchDelay, "launchDelay");
    requireNonNegative(bootDelay, "bootDelay");
    requireNonNegative(shutdownDelay, "shutdownDelay");
    requireNonNegative(taskDuration, "taskDuration");
    requireNonNegative(storageCallLatency, "storageCallLatency");
    requirePositive(taskProgressSteps, "taskProgressSteps");
    requirePositive(maxVms, "maxVms");
    requirePositive(maxActiveTasks, "maxActiveTasks");
    requirePositive(maxFinishedTasks, "maxFinishedTasks");
    requirePositive(maxStorageDomains, "maxStorageDomains");
  }

  /** Realistic but short timings, no storage latency, the default bounds. */
  public static SimulationSettings defaults() {
    return new SimulationSettings(
        Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(300),
        Duration.ofSeconds(1), 10, Duration.ZERO, 10_000, 1_000, 1_000, 1_000);
  }

  /** Every delay zero, the default bounds. */
  public static SimulationSettings immediate() {
    return defaults()
        .withVmDelays(Duration.ZERO, Duration.ZERO, Duration.ZERO)
        .withTaskDuration(Duration.ZERO);
  }

  /** These settings with other VM transition delays. */
  public SimulationSettings withVmDelays(Duration launch, Duration boot, Duration shutdown) {
    return new SimulationSettings(launch, boot, shutdown, taskDuration, taskProgressSteps,
        storageCallLatency, maxVms, maxActiveTasks, maxFinishedTasks, maxStorageDomains);
  }

  /** These settings with another task duration. */
  public SimulationSettings withTaskDuration(Duration duration) {
    return new SimulationSettings(launchDelay, bootDelay, shutdownDelay, duration, taskProgressSteps,
        storageCallLatency, maxVms, maxActiveTasks, maxFinishedTasks, maxStorageDomains);
  }

  /** These settings with another number of progress steps per task. */
  public SimulationSettings withTaskProgressSteps(int steps) {
    return new SimulationSettings(launchDelay, bootDelay, shutdownDelay, taskDuration, steps,
        storageCallLatency, maxVms, maxActiveTasks, maxFinishedTasks, maxStorageDomains);
  }

  /** These settings with another latency of the storage methods themselves. */
  public SimulationSettings withStorageCallLatency(Duration latency) {
    return new SimulationSettings(launchDelay, bootDelay, shutdownDelay, taskDuration, taskProgressSteps,
        latency, maxVms, maxActiveTasks, maxFinishedTasks, maxStorageDomains);
  }

  /** These settings with other bounds. */
  public SimulationSettings withBounds(int vms, int activeTasks, int finishedTasks, int storageDomains) {
    return new SimulationSettings(launchDelay, bootDelay, shutdownDelay, taskDuration, taskProgressSteps,
        storageCallLatency, vms, activeTasks, finishedTasks, storageDomains);
  }

  private static void requireNonNegative(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0: " + d);
    }
  }

  private static void requirePositive(int n, String name) {
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be >= 1: " + n);
    }
  }
}

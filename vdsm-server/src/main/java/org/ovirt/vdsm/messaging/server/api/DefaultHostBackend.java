package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.ovirt.vdsm.messaging.server.events.EventSink;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.ovirt.vdsm.messaging.server.rpc.ApiMethod;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;

/**
 * The default host backend: an in-memory host that behaves like a real one. Host facts and
 * statistics are read from the machine the server runs on; VMs, storage domains and storage tasks
 * are simulated, with timed status transitions on a scheduler and an event for each change ({@code
 * |virt|VM_status|<vmId>}, {@code |jobs|status|<jobId>}). Timings and bounds are in {@link
 * SimulationSettings}.
 *
 * <p>{@link #registerWith} is the one place listing every method of this backend with its VDSM
 * parameter names; a backend driving a real hypervisor registers its own methods instead, and the
 * messaging code does not change.
 *
 * <p>Errors keep VDSM's codes: 1 no such VM, 4 VM exists, 6 VM is down, 9 VM limit reached, 75
 * operation invalid in the VM's status, 358 no such storage domain, 401 no such task, 405 too many
 * tasks, 410 operation invalid in the task's state, -32602 malformed parameters. Thread safe: calls
 * may arrive on many threads at once.
 */
public final class DefaultHostBackend implements AutoCloseable {
  /** The storage pool the default storage domain belongs to. */
  public static final String DEFAULT_STORAGE_POOL_ID = "5eb0b0c1-5e5e-4d0b-8a11-000000000001";
  /** The storage domain that exists from the start ({@code StorageDomain.getInfo} finds it). */
  public static final String DEFAULT_STORAGE_DOMAIN_ID = "5eb0b0c1-5e5e-4d0b-8a11-000000000002";

  /** A {@code VM.shutdown} {@code delay} is capped at one hour. */
  private static final long MAX_SHUTDOWN_DELAY_SECONDS = 3600;

  private final SimulationSettings settings;
  private final HostApi host;
  private final VirtSimulator virt;
  private final TaskManager tasks;
  private final StorageSimulator storage;
  private final HostStatistics statistics;
  private final NetworkMonitor network;
  private final ScheduledExecutorService ownScheduler;

  /**
   * @param facts where host facts are read
   * @param events where VM and job events are published
   * @param scheduler runs the timed transitions; owned by the caller
   * @param clock wall-clock time (elapsed times, dates)
   * @param settings timings and bounds
   * @param softwareVersion reported in the capabilities
   */
  public DefaultHostBackend(
      HostFacts facts,
      EventSink events,
      ScheduledExecutorService scheduler,
      Clock clock,
      SimulationSettings settings,
      String softwareVersion) {
    this(facts, events, scheduler, clock, settings, softwareVersion, null);
  }

  private DefaultHostBackend(
      HostFacts facts,
      EventSink events,
      ScheduledExecutorService scheduler,
      Clock clock,
      SimulationSettings settings,
      String softwareVersion,
      ScheduledExecutorService ownScheduler) {
    requireNonNull(facts, "facts");
    requireNonNull(events, "events");
    requireNonNull(scheduler, "scheduler");
    requireNonNull(clock, "clock");
    this.settings = requireNonNull(settings, "settings");
    this.host = new HostApi(facts, requireNonNull(softwareVersion, "softwareVersion"));
    this.virt = new VirtSimulator(events, scheduler, clock, settings);
    this.tasks = new TaskManager(events, scheduler, settings);
    this.storage = new StorageSimulator(tasks, settings, DEFAULT_STORAGE_POOL_ID, DEFAULT_STORAGE_DOMAIN_ID);
    this.statistics = new HostStatistics(facts, clock, virt, storage);
    // Only a backend with its own scheduler watches the real network (tests drive virtual time).
    this.network = ownScheduler == null ? null
        : new NetworkMonitor(Path.of("/sys/class/net"), events).start(ownScheduler, NetworkMonitor.PERIOD);
    this.ownScheduler = ownScheduler;
  }

  /**
   * A backend of this machine with the default settings and its own scheduler (one daemon thread),
   * stopped by {@link #close}.
   */
  public static DefaultHostBackend standalone(EventSink events, String softwareVersion) {
    return standalone(events, SimulationSettings.defaults(), softwareVersion);
  }

  /** Like {@link #standalone(EventSink, String)} with the given timings and bounds. */
  public static DefaultHostBackend standalone(EventSink events, SimulationSettings settings, String softwareVersion) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vdsm-simulation");
      t.setDaemon(true);
      return t;
    });
    return new DefaultHostBackend(new HostFacts(), events, scheduler, Clock.systemUTC(),
        settings, softwareVersion, scheduler);
  }

  /** The timings and bounds in use. */
  public SimulationSettings settings() {
    return settings;
  }

  /** Registers every method of this backend, with VDSM's parameter names in VDSM's order. */
  public void registerWith(MethodRegistry registry) {
    requireNonNull(registry, "registry");
    // Host
    // Trivial and non-blocking: run where the request was read, no hand-over (MethodRegistry#registerInline).
    registry.registerInline("Host.ping2", List.of(), p -> null);
    registry.registerInline("Host.echo", List.of("message"), host::echo);
    registry.register("Host.getCapabilities", List.of(), ApiMethod.streaming(p -> host.capabilitiesValue()));
    registry.register("Host.getStats", List.of(), p -> statistics.stats());
    registry.register("Host.getHardwareInfo", List.of(), p -> statistics.hardwareInfo());
    registry.register("Host.getVMList", List.of("fullStatus", "vmList", "onlyUUID"), p -> virt.list(
        Params.optionalBoolean(p, "fullStatus", false),
        Params.optionalStringList(p, "vmList"),
        Params.optionalBoolean(p, "onlyUUID", false)));
    registry.register("Host.getVMFullList", List.of("vmList"),
        p -> virt.list(true, Params.optionalStringList(p, "vmList"), false));
    registry.register("Host.getAllVmStats", List.of(), p -> virt.allStats());
    registry.register("Host.getJobs", List.of("job_type", "job_ids"),
        p -> tasks.jobs(Params.optionalString(p, "job_type"), Params.optionalStringList(p, "job_ids")));
    registry.register("Host.setLogLevel", List.of("level", "name"), p -> {
      LogLevels.set(Params.requiredString(p, "level"), Params.optionalString(p, "name").orElse(""));
      return null;
    });
    // VM
    registry.register("VM.create", List.of("vmID", "vmParams"),
        p -> virt.create(Params.requiredUuid(p, "vmID"), Params.requiredObject(p, "vmParams")));
    registry.register("VM.destroy", List.of("vmID", "gracefulAttempts"), p -> {
      String vmId = Params.requiredUuid(p, "vmID");
      Params.optionalNonNegative(p, "gracefulAttempts", 1);
      virt.destroy(vmId);
      return null;
    });
    registry.register("VM.getStats", List.of("vmID"), p -> virt.stats(Params.requiredUuid(p, "vmID")));
    registry.register("VM.getInfo", List.of("vmID"), p -> virt.info(Params.requiredUuid(p, "vmID")));
    registry.register("VM.pause", List.of("vmID"), p -> virt.pause(Params.requiredUuid(p, "vmID")));
    registry.register("VM.cont", List.of("vmID"), p -> virt.cont(Params.requiredUuid(p, "vmID")));
    registry.register("VM.shutdown", List.of("vmID", "delay", "message", "reboot", "timeout", "force"), p -> {
      String vmId = Params.requiredUuid(p, "vmID");
      long delay = Params.optionalNonNegative(p, "delay", 0);
      Params.optionalString(p, "message");
      boolean reboot = Params.optionalBoolean(p, "reboot", false);
      Params.optionalNonNegative(p, "timeout", 0);
      Params.optionalBoolean(p, "force", false);
      virt.shutdown(vmId, Math.min(delay, MAX_SHUTDOWN_DELAY_SECONDS), reboot);
      return null;
    });
    // Storage: every call waits storageCallLatency first
    registry.register("StoragePool.connectStorageServer",
        List.of("storagepoolID", "domainType", "connectionParams"), storage(p -> {
          String pool = Params.requiredUuid(p, "storagepoolID");
          long type = Params.optionalLong(p, "domainType")
              .orElseThrow(() -> VdsmErrors.invalidParams("missing required parameter 'domainType'"));
          return storage.connect(pool, (int) Math.max(-1, Math.min(type, Integer.MAX_VALUE)),
              Params.requiredArray(p, "connectionParams"));
        }));
    registry.register("StorageDomain.getInfo", List.of("storagedomainID"),
        storage(p -> storage.info(Params.requiredUuid(p, "storagedomainID"))));
    registry.register("Image.prepare",
        List.of("storagepoolID", "storagedomainID", "imageID", "volumeID", "allowIllegal"), storage(p -> {
          String pool = Params.requiredUuid(p, "storagepoolID");
          String domain = Params.requiredUuid(p, "storagedomainID");
          String image = Params.requiredUuid(p, "imageID");
          String volume = Params.requiredUuid(p, "volumeID");
          Params.optionalBoolean(p, "allowIllegal", false);
          return storage.prepareImage(pool, domain, image, volume);
        }));
    registry.register("Task.getStatus", List.of("taskID"),
        storage(p -> tasks.status(Params.requiredString(p, "taskID"))));
    registry.register("Task.getInfo", List.of("taskID"),
        storage(p -> tasks.info(Params.requiredString(p, "taskID"))));
    registry.register("Task.stop", List.of("taskID"), storage(p -> {
      tasks.stop(Params.requiredString(p, "taskID"));
      return null;
    }));
    registry.register("Task.clear", List.of("taskID"), storage(p -> {
      tasks.clear(Params.requiredString(p, "taskID"));
      return null;
    }));
  }

  /** {@code method}, answering only after the configured storage call latency. */
  private ApiMethod storage(ApiMethod method) {
    return params -> {
      storageLatency();
      return method.invoke(params);
    };
  }

  private void storageLatency() throws ApiException {
    Duration latency = settings.storageCallLatency();
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw VdsmErrors.general("storage call interrupted");
    }
  }

  /** Stops the scheduler when this backend made it ({@link #standalone}); otherwise does nothing. */
  @Override
  public void close() {
    if (network != null) {
      network.close();
    }
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
  }
}

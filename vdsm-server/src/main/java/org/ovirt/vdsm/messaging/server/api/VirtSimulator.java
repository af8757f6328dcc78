package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.server.events.EventSink;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated VMs of the default backend and their status machine:
 *
 * <pre>
 * VM.create   -> WaitForLaunch -(launchDelay)-> Powering up -(bootDelay)-> Up
 * VM.pause    Up | Powering up          -> Paused
 * VM.cont     Paused                     -> Up
 * VM.shutdown Up | Powering up | Paused -> Powering down -(shutdownDelay + delay)-> Down (user shutdown)
 *             (reboot=true)             -> RebootInProgress -(shutdownDelay)-> Powering up -> Up
 * VM.destroy  any status but Down        -> Down (admin shutdown), then removed; a Down VM is removed
 * </pre>
 *
 * <p>A shut down VM stays listed as {@code Down} until {@code VM.destroy}, as in VDSM. Any other
 * operation on a {@code Down} VM answers 6 ("Virtual machine is down"); an operation that is invalid
 * in the VM's status answers 75 ("Operation not supported"); {@code VM.shutdown} of a VM already
 * powering down succeeds without a change.
 *
 * <p>Thread safety: each VM's state is guarded by its own monitor; timed transitions run on the
 * scheduler, take the same monitor and apply only when the VM is still in the status that scheduled
 * them (an epoch counter). Every status change is published as {@code |virt|VM_status|<vmId>} while
 * the monitor is held, so a VM's events are published in the order of its changes.
 */
final class VirtSimulator {
  private static final Logger log = LoggerFactory.getLogger(VirtSimulator.class);

  /** VM memory is at most 16 TiB (in MiB). */
  private static final long MAX_MEM_SIZE_MIB = 16L * 1024 * 1024;
  private static final long DEFAULT_MEM_SIZE_MIB = 1024;

  /** VDSM exit codes ({@code define.NORMAL}) and reasons ({@code vmexitreason}). */
  static final int EXIT_CODE_NORMAL = 0;
  static final int EXIT_REASON_ADMIN_SHUTDOWN = 6;
  static final int EXIT_REASON_USER_SHUTDOWN = 7;
  static final String EXIT_MESSAGE_ADMIN_SHUTDOWN = "Admin shut down from the engine";
  static final String EXIT_MESSAGE_USER_SHUTDOWN = "User shut down from within the guest";

  /** The VM statuses used here, with VDSM's wire names. */
  enum Status {
    WAIT_FOR_LAUNCH("WaitForLaunch"),
    POWERING_UP("Powering up"),
    UP("Up"),
    PAUSED("Paused"),
    POWERING_DOWN("Powering down"),
    REBOOT_IN_PROGRESS("RebootInProgress"),
    DOWN("Down");

    final String wire;

    Status(String wire) {
      this.wire = wire;
    }
  }

  private final EventSink events;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final SimulationSettings settings;
  private final Map<String, SimulatedVm> vms = new ConcurrentHashMap<>();
  /** VMs created and not yet removed; may run ahead of {@code vms.size()} while a create is checked. */
  private final AtomicInteger reserved = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();

  VirtSimulator(EventSink events, ScheduledExecutorService scheduler, Clock clock, SimulationSettings settings) {
    this.events = requireNonNull(events, "events");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.clock = requireNonNull(clock, "clock");
    this.settings = requireNonNull(settings, "settings");
  }

  /** {@code VM.create}: the VM's definition, in status {@code WaitForLaunch}. */
  JsonObject create(String vmId, JsonObject vmParams) throws ApiException {
    JsonObject conf = definitionOf(vmId, vmParams);
    if (vms.containsKey(vmId)) {
      throw VdsmErrors.vmExists(vmId);
    }
    if (reserved.incrementAndGet() > settings.maxVms()) {
      reserved.decrementAndGet();
      throw VdsmErrors.tooManyVms(settings.maxVms());
    }
    SimulatedVm vm = new SimulatedVm(vmId, sequence.incrementAndGet(), clock.millis(), conf,
        conf.get("vmName").getAsString(), conf.get("memSize").getAsLong(), conf.get("smp").getAsString());
    synchronized (vm) {
      if (vms.putIfAbsent(vmId, vm) != null) {
        reserved.decrementAndGet();
        throw VdsmErrors.vmExists(vmId);
      }
      log.info("VM {} ({}) created", vmId, vm.name);
      enter(vm, Status.WAIT_FOR_LAUNCH);
      return vm.definition();
    }
  }

  /** {@code VM.destroy}: {@code Down} (admin shutdown) and removed. */
  void destroy(String vmId) throws ApiException {
    SimulatedVm vm = find(vmId);
    synchronized (vm) {
      requireLive(vm);
      if (vm.status != Status.DOWN) {
        setExit(vm, EXIT_REASON_ADMIN_SHUTDOWN, EXIT_MESSAGE_ADMIN_SHUTDOWN);
        enter(vm, Status.DOWN);
      }
      vm.removed = true;
      vms.remove(vmId, vm);
      reserved.decrementAndGet();
      log.info("VM {} destroyed", vmId);
    }
  }

  /** {@code VM.pause}: the VM's definition, {@code Paused}. */
  JsonObject pause(String vmId) throws ApiException {
    SimulatedVm vm = find(vmId);
    synchronized (vm) {
      requireLive(vm);
      requireNotDown(vm);
      if (vm.status != Status.UP && vm.status != Status.POWERING_UP) {
        throw VdsmErrors.unsupported("pause", vmId, vm.status.wire);
      }
      enter(vm, Status.PAUSED);
      return vm.definition();
    }
  }

  /** {@code VM.cont}: the VM's definition, {@code Up} again. */
  JsonObject cont(String vmId) throws ApiException {
    SimulatedVm vm = find(vmId);
    synchronized (vm) {
      requireLive(vm);
      requireNotDown(vm);
      if (vm.status != Status.PAUSED) {
        throw VdsmErrors.unsupported("resume", vmId, vm.status.wire);
      }
      enter(vm, Status.UP);
      return vm.definition();
    }
  }

  /** {@code VM.shutdown}: starts a graceful shutdown or reboot, {@code delaySeconds} more to go down. */
  void shutdown(String vmId, long delaySeconds, boolean reboot) throws ApiException {
    SimulatedVm vm = find(vmId);
    synchronized (vm) {
      requireLive(vm);
      requireNotDown(vm);
      if (vm.status == Status.POWERING_DOWN && !reboot) {
        return;
      }
      if (vm.status != Status.UP && vm.status != Status.POWERING_UP && vm.status != Status.PAUSED) {
        throw VdsmErrors.unsupported(reboot ? "reboot" : "shut down", vmId, vm.status.wire);
      }
      vm.extraShutdownDelayMs = TimeUnit.SECONDS.toMillis(delaySeconds);
      enter(vm, reboot ? Status.REBOOT_IN_PROGRESS : Status.POWERING_DOWN);
    }
  }

  /** {@code VM.getStats}: a list holding the VM's one statistics record. */
  JsonArray stats(String vmId) throws ApiException {
    SimulatedVm vm = find(vmId);
    synchronized (vm) {
      requireLive(vm);
      JsonArray list = new JsonArray(1);
      list.add(vm.stats(clock.millis()));
      return list;
    }
  }

  /** {@code VM.getInfo}: the VM's definition and status. */
  JsonObject info(String vmId) throws ApiException {
    SimulatedVm vm = find(vmId);
    synchronized (vm) {
      requireLive(vm);
      return vm.definition();
    }
  }

  /**
   * {@code Host.getVMList}: full definitions, or {@code {vmId, status}} records, or only the ids; of
   * the VMs in {@code filter} when it is not empty (unknown ids are skipped), in creation order.
   */
  JsonArray list(boolean fullStatus, List<String> filter, boolean onlyUuid) {
    JsonArray list = new JsonArray();
    for (SimulatedVm vm : snapshotOrder(filter)) {
      synchronized (vm) {
        if (vm.removed) {
          continue;
        }
        if (fullStatus) {
          list.add(vm.definition());
        } else if (onlyUuid) {
          list.add(vm.id);
        } else {
          JsonObject shortStatus = new JsonObject();
          shortStatus.addProperty("vmId", vm.id);
          shortStatus.addProperty("status", vm.status.wire);
          list.add(shortStatus);
        }
      }
    }
    return list;
  }

  /** {@code Host.getAllVmStats}: one statistics record per VM, in creation order. */
  JsonArray allStats() {
    JsonArray list = new JsonArray();
    for (SimulatedVm vm : snapshotOrder(List.of())) {
      synchronized (vm) {
        if (!vm.removed) {
          list.add(vm.stats(clock.millis()));
        }
      }
    }
    return list;
  }

  /** VMs held, {@code Down} ones included. */
  int vmCount() {
    return vms.size();
  }

  /** VMs not {@code Down}. */
  int activeCount() {
    int active = 0;
    for (SimulatedVm vm : vms.values()) {
      synchronized (vm) {
        if (!vm.removed && vm.status != Status.DOWN) {
          active++;
        }
      }
    }
    return active;
  }

  /** Memory promised to the VMs that are not {@code Down}, in MiB. */
  long committedMemoryMib() {
    long mib = 0;
    for (SimulatedVm vm : vms.values()) {
      synchronized (vm) {
        if (!vm.removed && vm.status != Status.DOWN) {
          mib += vm.memSizeMib;
        }
      }
    }
    return mib;
  }

  private List<SimulatedVm> snapshotOrder(List<String> filter) {
    List<SimulatedVm> list = new ArrayList<>();
    if (filter.isEmpty()) {
      list.addAll(vms.values());
    } else {
      Set<String> seen = new HashSet<>();
      for (String id : filter) {
        SimulatedVm vm = vms.get(id);
        if (vm != null && seen.add(id)) {
          list.add(vm);
        }
      }
    }
    list.sort(Comparator.comparingLong(vm -> vm.seq));
    return list;
  }

  private SimulatedVm find(String vmId) throws ApiException {
    SimulatedVm vm = vms.get(vmId);
    if (vm == null) {
      throw VdsmErrors.noVm(vmId);
    }
    return vm;
  }

  /** Caller holds the monitor: the VM may have been removed since it was looked up. */
  private static void requireLive(SimulatedVm vm) throws ApiException {
    if (vm.removed) {
      throw VdsmErrors.noVm(vm.id);
    }
  }

  private static void requireNotDown(SimulatedVm vm) throws ApiException {
    if (vm.status == Status.DOWN) {
      throw VdsmErrors.vmIsDown(vm.id);
    }
  }

  private static void setExit(SimulatedVm vm, int reason, String message) {
    vm.exitCode = EXIT_CODE_NORMAL;
    vm.exitReason = reason;
    vm.exitMessage = message;
  }

  /** Caller holds the monitor: moves to {@code next}, publishes it, schedules what follows. */
  private void enter(SimulatedVm vm, Status next) {
    vm.status = next;
    vm.epoch++;
    vm.statusTime = monotonicMillis();
    log.debug("VM {} is {}", vm.id, next.wire);
    publish(vm);
    Duration delay;
    Status then;
    switch (next) {
      case WAIT_FOR_LAUNCH -> {
        delay = settings.launchDelay();
        then = Status.POWERING_UP;
      }
      case POWERING_UP -> {
        delay = settings.bootDelay();
        then = Status.UP;
      }
      case POWERING_DOWN -> {
        delay = settings.shutdownDelay().plusMillis(vm.extraShutdownDelayMs);
        then = Status.DOWN;
      }
      case REBOOT_IN_PROGRESS -> {
        delay = settings.shutdownDelay();
        then = Status.POWERING_UP;
      }
      default -> {
        return;
      }
    }
    long epoch = vm.epoch;
    try {
      scheduler.schedule(() -> advance(vm, epoch, then), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.warn("VM {} stays {}: the simulation scheduler is shut down", vm.id, next.wire);
    }
  }

  private void advance(SimulatedVm vm, long epoch, Status next) {
    synchronized (vm) {
      if (vm.removed || vm.epoch != epoch) {
        return;
      }
      if (next == Status.DOWN) {
        setExit(vm, EXIT_REASON_USER_SHUTDOWN, EXIT_MESSAGE_USER_SHUTDOWN);
      }
      enter(vm, next);
    }
  }

  private void publish(SimulatedVm vm) {
    JsonObject params = new JsonObject();
    params.add(vm.id, vm.statusEventDetails(clock.millis()));
    try {
      events.publish("virt", "VM_status", vm.id, params);
    } catch (RuntimeException e) {
      log.warn("could not publish the status of VM {}", vm.id, e);
    }
  }

  /**
   * The definition a {@code VM.create} asks for: {@code vmParams} without secrets, {@code vmId} set,
   * {@code vmName}, {@code memSize} (MiB), {@code smp} and {@code vmType} defaulted when absent.
   */
  private static JsonObject definitionOf(String vmId, JsonObject vmParams) throws ApiException {
    JsonObject conf = Json.withoutSecrets(vmParams);
    JsonElement id = Params.get(conf, "vmId");
    if (id != null && !(id.isJsonPrimitive() && id.getAsString().equals(vmId))) {
      throw VdsmErrors.invalidParams("vmParams.vmId differs from vmID");
    }
    conf.addProperty("vmId", vmId);
    String name = Params.optionalString(conf, "vmName").orElse(vmId);
    conf.addProperty("vmName", name);
    long mem = Params.optionalLong(conf, "memSize").orElse(DEFAULT_MEM_SIZE_MIB);
    if (mem < 1 || mem > MAX_MEM_SIZE_MIB) {
      throw VdsmErrors.invalidParams("vmParams.memSize must be between 1 and " + MAX_MEM_SIZE_MIB + " (MiB)");
    }
    conf.addProperty("memSize", mem);
    long smp = Params.optionalLong(conf, "smp").orElse(1);
    if (smp < 1 || smp > 4096) {
      throw VdsmErrors.invalidParams("vmParams.smp must be between 1 and 4096");
    }
    conf.addProperty("smp", Long.toString(smp));
    conf.addProperty("vmType", Params.optionalString(conf, "vmType").orElse("kvm"));
    conf.addProperty("kvmEnable", "true");
    return conf;
  }

  private static long monotonicMillis() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
  }
}

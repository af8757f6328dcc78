package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.server.events.EventSink;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated storage tasks, seen both as VDSM tasks ({@code Task.*}) and as host jobs ({@code
 * Host.getJobs}, {@code |jobs|status|<jobId>} events) under the same id:
 *
 * <pre>
 * task state  init ----> running (progress 0 .. 100 in taskProgressSteps steps over taskDuration) --> finished
 * task result ""                                                                                  success, code 0
 * job status  pending    running                                                                   done
 *
 * Task.stop   init | running -> aborting -> finished, result cleanSuccess, code 411 "Task is aborted"; job aborted
 * Task.clear  finished       -> forgotten
 * </pre>
 *
 * <p>Errors: an unknown id answers 401 ("Task id unknown"); stopping a finished task or clearing
 * one that is not finished answers 410 ("Operation is not allowed in this task state"); starting a
 * task while {@code maxActiveTasks} run answers 405. Finished tasks are kept until cleared, the
 * oldest forgotten past {@code maxFinishedTasks}.
 *
 * <p>Thread safety: one lock guards every task; each change is published while it is held, so a
 * task's events are published in the order of its changes.
 */
final class TaskManager {
  private static final Logger log = LoggerFactory.getLogger(TaskManager.class);

  static final String JOB_TYPE = "storage";
  private static final Set<String> JOB_TYPES = Set.of("storage", "v2v");

  private enum State {
    INIT("init"),
    RUNNING("running"),
    ABORTING("aborting"),
    FINISHED("finished");

    final String wire;

    State(String wire) {
      this.wire = wire;
    }
  }

  /** One task; guarded by the manager's lock. */
  private static final class SimTask {
    final String id;
    final String verb;
    final String description;
    State state = State.INIT;
    String result = "";
    int code;
    String message = "Task is initializing";
    int stepsDone;
    int progress;
    String jobStatus = "pending";
    long epoch;

    SimTask(String id, String verb, String description) {
      this.id = id;
      this.verb = verb;
      this.description = description;
    }
  }

  private final EventSink events;
  private final ScheduledExecutorService scheduler;
  private final SimulationSettings settings;
  private final Object lock = new Object();
  private final Map<String, SimTask> tasks = new HashMap<>();
  private final ArrayDeque<String> finished = new ArrayDeque<>();
  private int active;

  TaskManager(EventSink events, ScheduledExecutorService scheduler, SimulationSettings settings) {
    this.events = requireNonNull(events, "events");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.settings = requireNonNull(settings, "settings");
  }

  /** Starts a task running {@code verb}; returns its id (also its job id). */
  String start(String verb, String description) throws ApiException {
    synchronized (lock) {
      if (active >= settings.maxActiveTasks()) {
        throw VdsmErrors.tooManyTasks(settings.maxActiveTasks());
      }
      SimTask task = new SimTask(UUID.randomUUID().toString(), verb, description);
      tasks.put(task.id, task);
      active++;
      log.info("task {} ({}) started", task.id, verb);
      publish(task);
      schedule(task, Duration.ZERO);
      return task.id;
    }
  }

  /** {@code Task.getStatus}: VDSM's TaskStatus. */
  JsonObject status(String taskId) throws ApiException {
    synchronized (lock) {
      SimTask t = find(taskId);
      JsonObject s = new JsonObject();
      s.addProperty("taskID", t.id);
      s.addProperty("taskState", t.state.wire);
      s.addProperty("taskResult", t.result);
      s.addProperty("code", t.code);
      s.addProperty("message", t.message);
      return s;
    }
  }

  /** {@code Task.getInfo}: VDSM's TaskInfo. */
  JsonObject info(String taskId) throws ApiException {
    synchronized (lock) {
      SimTask t = find(taskId);
      JsonObject i = new JsonObject();
      i.addProperty("id", t.id);
      i.addProperty("verb", t.verb);
      return i;
    }
  }

  /** {@code Task.stop}: aborts a task that has not finished; stopping an aborting task is a no-op. */
  void stop(String taskId) throws ApiException {
    synchronized (lock) {
      SimTask t = find(taskId);
      if (t.state == State.FINISHED) {
        throw VdsmErrors.taskState(taskId, t.state.wire);
      }
      if (t.state == State.ABORTING) {
        return;
      }
      t.state = State.ABORTING;
      t.message = "Task is aborting";
      t.epoch++;
      log.info("task {} aborting", t.id);
      publish(t);
      schedule(t, Duration.ZERO);
    }
  }

  /** {@code Task.clear}: forgets a finished task. */
  void clear(String taskId) throws ApiException {
    synchronized (lock) {
      SimTask t = find(taskId);
      if (t.state != State.FINISHED) {
        throw VdsmErrors.taskState(taskId, t.state.wire);
      }
      tasks.remove(taskId);
      finished.remove(taskId);
    }
  }

  /**
   * {@code Host.getJobs}: VDSM's HostJobInfoMap, job id to job, of the jobs of {@code jobType} (every
   * job when empty) whose ids are in {@code jobIds} (every id when empty).
   */
  JsonObject jobs(Optional<String> jobType, List<String> jobIds) throws ApiException {
    if (jobType.isPresent() && !JOB_TYPES.contains(jobType.get())) {
      throw VdsmErrors.invalidParams("'job_type' must be one of " + JOB_TYPES + ", got '"
          + Params.abbreviate(jobType.get()) + "'");
    }
    JsonObject jobs = new JsonObject();
    if (jobType.isPresent() && !jobType.get().equals(JOB_TYPE)) {
      return jobs;
    }
    synchronized (lock) {
      List<SimTask> selected = new ArrayList<>();
      if (jobIds.isEmpty()) {
        selected.addAll(tasks.values());
      } else {
        for (String id : jobIds) {
          SimTask t = tasks.get(id);
          if (t != null) {
            selected.add(t);
          }
        }
      }
      for (SimTask t : selected) {
        jobs.add(t.id, jobInfo(t));
      }
    }
    return jobs;
  }

  private SimTask find(String taskId) throws ApiException {
    SimTask t = tasks.get(taskId);
    if (t == null) {
      throw VdsmErrors.unknownTask(taskId);
    }
    return t;
  }

  /** Caller holds the lock. */
  private void schedule(SimTask t, Duration delay) {
    long epoch = t.epoch;
    try {
      scheduler.schedule(() -> step(t, epoch), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.warn("task {} stays {}: the simulation scheduler is shut down", t.id, t.state.wire);
    }
  }

  private void step(SimTask t, long epoch) {
    synchronized (lock) {
      if (t.epoch != epoch || tasks.get(t.id) != t) {
        return;
      }
      switch (t.state) {
        case INIT -> {
          t.state = State.RUNNING;
          t.jobStatus = "running";
          t.message = "running job 1 of 1";
          publish(t);
          schedule(t, stepDelay());
        }
        case RUNNING -> {
          int steps = settings.taskProgressSteps();
          t.stepsDone++;
          t.progress = (int) Math.min(100, 100L * t.stepsDone / steps);
          if (t.stepsDone >= steps) {
            finish(t, "success", 0, "1 jobs completed successfully", "done");
          } else {
            publish(t);
            schedule(t, stepDelay());
          }
        }
        case ABORTING -> finish(t, "cleanSuccess", VdsmErrors.TASK_ABORTED, "Task is aborted", "aborted");
        case FINISHED -> { }
      }
    }
  }

  private Duration stepDelay() {
    return settings.taskDuration().dividedBy(settings.taskProgressSteps());
  }

  /** Caller holds the lock. */
  private void finish(SimTask t, String result, int code, String message, String jobStatus) {
    t.state = State.FINISHED;
    t.result = result;
    t.code = code;
    t.message = message;
    t.jobStatus = jobStatus;
    t.epoch++;
    active--;
    log.info("task {} finished: {} ({})", t.id, result, message);
    publish(t);
    finished.addLast(t.id);
    while (finished.size() > settings.maxFinishedTasks()) {
      String oldest = finished.removeFirst();
      tasks.remove(oldest);
      log.debug("finished task {} forgotten (more than {} kept)", oldest, settings.maxFinishedTasks());
    }
  }

  /** Caller holds the lock. VDSM's HostJobInfo. */
  private static JsonObject jobInfo(SimTask t) {
    JsonObject j = new JsonObject();
    j.addProperty("id", t.id);
    j.addProperty("status", t.jobStatus);
    j.addProperty("description", t.description);
    j.addProperty("job_type", JOB_TYPE);
    j.addProperty("progress", t.progress);
    return j;
  }

  /** Caller holds the lock. */
  private void publish(SimTask t) {
    try {
      events.publish("jobs", "status", t.id, Json.object(t.id, jobInfo(t)));
    } catch (RuntimeException e) {
      log.warn("could not publish the status of job {}", t.id, e);
    }
  }
}

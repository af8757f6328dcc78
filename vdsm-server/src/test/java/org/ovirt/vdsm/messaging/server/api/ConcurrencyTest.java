package org.ovirt.vdsm.messaging.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ovirt.vdsm.messaging.server.api.Backend.vm;
import static org.ovirt.vdsm.messaging.server.api.Backend.vmParams;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;

/**
 * Many callers at once against a real scheduler: the VM bound holds, every error is one of the
 * documented codes, each VM's events form valid status paths, and the end state is consistent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
  private static final int THREADS = 8;

  /** The statuses each status may be followed by in a VM's events. */
  private static final Map<String, Set<String>> NEXT = Map.of(
      "WaitForLaunch", Set.of("Powering up", "Down"),
      "Powering up", Set.of("Up", "Paused", "Powering down", "RebootInProgress", "Down"),
      "Up", Set.of("Paused", "Powering down", "RebootInProgress", "Down"),
      "Paused", Set.of("Up", "Powering down", "RebootInProgress", "Down"),
      "Powering down", Set.of("Down"),
      "RebootInProgress", Set.of("Powering up", "Down"),
      "Down", Set.of("WaitForLaunch"));

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService callers = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() {
    callers.shutdownNow();
    scheduler.shutdownNow();
  }

  private void runTogether(Runnable body) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      futures.add(callers.submit(() -> {
        start.await();
        body.run();
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void parallelCreatesStopExactlyAtTheVmLimit() throws Exception {
    Backend host = new Backend(scheduler, SimulationSettings.immediate().withBounds(50, 10, 10, 10));
    AtomicInteger created = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ConcurrentLinkedQueue<Integer> otherCodes = new ConcurrentLinkedQueue<>();

    runTogether(() -> {
      for (int i = 0; i < 50; i++) {
        try {
          host.call("VM.create", vmParams(UUID.randomUUID().toString(), "vm"));
          created.incrementAndGet();
        } catch (ApiException e) {
          if (e.error().code() == 9) {
            refused.incrementAndGet();
          } else {
            otherCodes.add(e.error().code());
          }
        }
      }
    });

    assertThat(otherCodes).isEmpty();
    assertThat(created.get()).isEqualTo(50);
    assertThat(refused.get()).isEqualTo(THREADS * 50 - 50);
    assertThat(host.callObject("Host.getStats", null).get("vmCount").getAsInt()).isEqualTo(50);
    await().atMost(Duration.ofSeconds(20)).until(() -> host.call("Host.getVMList", null).getAsJsonArray()
        .asList().stream().allMatch(v -> v.getAsJsonObject().get("status").getAsString().equals("Up")));
  }

  @Test
  void parallelLifecyclesKeepTheBoundAndEndConsistent() throws Exception {
    int maxVms = 12;
    Backend host = new Backend(scheduler, SimulationSettings.immediate()
        .withVmDelays(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1))
        .withBounds(maxVms, 10, 10, 10));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    Set<Integer> expectedCodes = Set.of(1, 4, 6, 9, 75);
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger seed = new AtomicInteger();

    Thread watcher = new Thread(() -> {
      while (running.get()) {
        try {
          int count = host.callObject("Host.getStats", null).get("vmCount").getAsInt();
          maxSeen.accumulateAndGet(count, Math::max);
        } catch (ApiException e) {
          unexpected.add("getStats " + e.error().code());
        }
      }
    });
    watcher.start();
    try {
      runTogether(() -> {
        Random random = new Random(seed.incrementAndGet());
        for (int i = 0; i < 400; i++) {
          String id = ids.get(random.nextInt(ids.size()));
          String method = switch (random.nextInt(8)) {
            case 0, 1 -> "VM.create";
            case 2 -> "VM.pause";
            case 3 -> "VM.cont";
            case 4 -> "VM.shutdown";
            case 5 -> "VM.destroy";
            case 6 -> "VM.getStats";
            default -> "Host.getAllVmStats";
          };
          try {
            host.call(method, switch (method) {
              case "VM.create" -> vmParams(id, "vm");
              case "Host.getAllVmStats" -> null;
              default -> vm(id);
            });
          } catch (ApiException e) {
            if (!expectedCodes.contains(e.error().code())) {
              unexpected.add(method + " " + e.error().code() + " " + e.error().message());
            }
          }
        }
      });
    } finally {
      running.set(false);
      watcher.join(10_000);
    }

    assertThat(unexpected).isEmpty();
    assertThat(maxSeen.get()).isBetween(1, maxVms);
    for (JsonElement id : host.call("Host.getVMList", "{\"onlyUUID\":true}").getAsJsonArray()) {
      host.call("VM.destroy", vm(id.getAsString()));
    }
    assertThat(host.call("Host.getVMList", null).getAsJsonArray()).isEmpty();
    assertThat(host.callObject("Host.getStats", null).get("vmCount").getAsInt()).isZero();
    assertThat(host.callObject("Host.getStats", null).get("vmActive").getAsInt()).isZero();

    for (String id : ids) {
      List<String> statuses = host.events.statuses(id);
      if (statuses.isEmpty()) {
        continue;
      }
      assertThat(statuses.get(0)).as(id).isEqualTo("WaitForLaunch");
      assertThat(statuses.get(statuses.size() - 1)).as(id).isEqualTo("Down");
      for (int i = 1; i < statuses.size(); i++) {
        assertThat(NEXT.get(statuses.get(i - 1))).as("%s: %s", id, statuses).contains(statuses.get(i));
      }
    }
  }
}

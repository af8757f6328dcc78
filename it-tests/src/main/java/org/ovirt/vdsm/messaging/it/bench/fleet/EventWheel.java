package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.broker.Message;
import org.ovirt.vdsm.messaging.server.broker.Subscription;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * Sends every subscriber of {@code jms.queue.events} (every engine connection of the fleet, each
 * one simulated host) its own {@code |virt|VM_status|<vmId>} event every {@code min} to {@code max}
 * (uniformly drawn each time), from one timing wheel: one thread ticks every {@code tick}, and each
 * slot holds the hosts due in it, so that a tick sends the events of its slot in one batch (no timer
 * task per connection). The roster of subscribers is read from the broker once a second; a host
 * that went away is dropped when its slot comes. Each host has one VM, whose status alternates
 * between {@code Up} and {@code Paused}. Delivery goes through the connection's own broker session
 * (the host's {@code MESSAGE} framing, flow control and write budgets), not through a publish that
 * would reach every connection.
 */
final class EventWheel implements AutoCloseable {
  private static final Duration ROSTER_EVERY = Duration.ofSeconds(1);

  /** One simulated host's event state; touched by the wheel thread only. */
  private static final class Host {
    final Subscription subscription;
    final String vmId = UUID.randomUUID().toString();
    final long since = System.nanoTime();
    boolean live = true;
    boolean up = true;

    Host(Subscription subscription) {
      this.subscription = subscription;
    }
  }

  private final Broker broker;
  private final long tickNanos;
  private final int minTicks;
  private final int maxTicks;
  private final int rosterTicks;
  private final List<List<Host>> slots;
  private final Map<Subscription, Host> hosts = new IdentityHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong messageIds = new AtomicLong();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fleet-event-wheel");
    t.setDaemon(true);
    return t;
  });
  private long tick;

  EventWheel(Broker broker, Duration min, Duration max, Duration tick) {
    this.broker = requireNonNull(broker, "broker");
    this.tickNanos = tick.toNanos();
    if (tickNanos <= 0 || min.compareTo(tick) < 0 || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("need 0 < tick <= min <= max: " + tick + ", " + min + ", " + max);
    }
    this.minTicks = (int) (min.toNanos() / tickNanos);
    this.maxTicks = (int) (max.toNanos() / tickNanos);
    this.rosterTicks = (int) Math.max(1, ROSTER_EVERY.toNanos() / tickNanos);
    this.slots = new ArrayList<>(maxTicks + 1);
    for (int i = 0; i <= maxTicks; i++) {
      slots.add(new ArrayList<>());
    }
  }

  /** Starts ticking. */
  EventWheel start() {
    thread.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    return this;
  }

  /** Events handed to connections so far. */
  long sent() {
    return sent.get();
  }

  private void tick() {
    try {
      tick++;
      if (tick % rosterTicks == 0) {
        readRoster();
      }
      int index = (int) (tick % slots.size());
      List<Host> due = slots.get(index);
      slots.set(index, new ArrayList<>(due.size()));
      for (Host h : due) {
        if (h.live) {
          send(h);
          schedule(h, ThreadLocalRandom.current().nextInt(minTicks, maxTicks + 1));
        }
      }
    } catch (RuntimeException e) {
      // A failure of one tick must not stop the wheel (scheduleAtFixedRate would).
      System.err.println("event wheel: " + e);
    }
  }

  private void readRoster() {
    List<Subscription> now = broker.topicSubscribers(VdsmDestinations.EVENTS);
    Set<Subscription> current = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    current.addAll(now);
    hosts.values().removeIf(h -> {
      if (!current.contains(h.subscription)) {
        h.live = false;
        return true;
      }
      return false;
    });
    for (Subscription s : now) {
      if (!hosts.containsKey(s)) {
        Host h = new Host(s);
        hosts.put(s, h);
        // The first event at a random point of the longest period: new hosts do not beat in step.
        schedule(h, ThreadLocalRandom.current().nextInt(1, maxTicks + 1));
      }
    }
  }

  private void schedule(Host h, int ticksAhead) {
    slots.get((int) ((tick + ticksAhead) % slots.size())).add(h);
  }

  private void send(Host h) {
    h.up = !h.up;
    long elapsed = (System.nanoTime() - h.since) / 1_000_000_000L;
    Message m = new Message("fleet-" + messageIds.incrementAndGet(), VdsmDestinations.EVENTS,
        StompHeaders.APPLICATION_JSON, VmStatusEvent.encode(h.vmId, h.up, elapsed));
    h.subscription.session().deliver(h.subscription, m, null);
    sent.incrementAndGet();
  }

  @Override
  public void close() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(5, TimeUnit.SECONDS);
  }
}

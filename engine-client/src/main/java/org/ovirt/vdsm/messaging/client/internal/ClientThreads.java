package org.ovirt.vdsm.messaging.client.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * The threads of one client factory: the Netty event loops of every connection, the timing wheel
 * of every call's deadline, the workers that parse answers and complete futures, and the event
 * delivery executor (the factory's own two
 * threads unless the user gives one). Worker and event pools queue at most one task per lane or
 * subscription (they submit themselves once), so their queues are bounded by the number of hosts
 * and subscriptions.
 */
public final class ClientThreads implements AutoCloseable {
  /** Tick of the deadline wheel: a deadline fires up to this late (call deadlines are seconds). */
  static final long DEADLINE_TICK_MS = 20;

  private final EventLoopGroup group;
  private final HashedWheelTimer deadlines;
  private final ThreadPoolExecutor workers;
  private final ExecutorService ownEvents;
  private final Executor events;

  /**
   * @param ioThreads event-loop threads (0: Netty's default)
   * @param workerThreads worker threads
   * @param eventExecutor where events are delivered, or {@code null} for two threads of its own
   */
  public ClientThreads(NettyTransport transport, int ioThreads, int workerThreads, Executor eventExecutor) {
    this.group = transport.newGroup(ioThreads, "vdsm-client-io", true);
    this.deadlines = new HashedWheelTimer(r -> {
      Thread t = new Thread(r, "vdsm-client-deadlines");
      t.setDaemon(true);
      return t;
    }, DEADLINE_TICK_MS, TimeUnit.MILLISECONDS, 512);
    this.workers = pool("vdsm-client-worker", workerThreads);
    this.ownEvents = eventExecutor == null ? pool("vdsm-client-events", 2) : null;
    this.events = eventExecutor != null ? eventExecutor : ownEvents;
  }

  private static ThreadPoolExecutor pool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The event loops of all connections. */
  public EventLoopGroup group() {
    return group;
  }

  /** The deadlines of every call: one timing wheel, one thread, started with the first call. */
  public Timer deadlines() {
    return deadlines;
  }

  /** Parses answers and completes futures. */
  public Executor workers() {
    return workers;
  }

  /** Delivers events to subscribers. */
  public Executor events() {
    return events;
  }

  /** Stops the event loops (2 s quiet period at most), then the pools, waiting briefly for each. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    deadlines.stop(); // calls still pending were failed by their clients' close
    workers.shutdown();
    if (ownEvents != null) {
      ownEvents.shutdown();
    }
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    if (ownEvents != null) {
      ownEvents.shutdownNow();
    }
  }
}

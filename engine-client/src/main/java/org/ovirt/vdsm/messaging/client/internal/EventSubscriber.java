package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event subscription: a bounded queue drained into a {@link Flow.Subscriber} on the event
 * executor, one signal at a time ({@code onSubscribe} first), honouring {@code request(n)}. When the
 * queue is full the oldest event is dropped and counted. The network and parsing threads only ever
 * call {@link #offer}, which never blocks on the subscriber.
 */
public final class EventSubscriber implements EventSubscription, Flow.Subscription {
  private static final Logger log = LoggerFactory.getLogger(EventSubscriber.class);

  /** Signals delivered in one executor turn before yielding the thread. */
  static final int FAIRNESS_BATCH = 256;

  private final EventPattern pattern;
  private final Flow.Subscriber<? super HostEvent> subscriber;
  private final Executor executor;
  private final int capacity;
  private final Consumer<EventSubscriber> onCancel;
  private final String owner;

  private final ArrayDeque<HostEvent> queue = new ArrayDeque<>();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile boolean started;
  private volatile Throwable badRequest;
  private volatile boolean terminating;
  private volatile Throwable terminalError;
  private boolean terminated;

  /**
   * @param owner the host client's name, for messages
   * @param onCancel told once when the subscription is cancelled by its subscriber
   */
  public EventSubscriber(
      String owner,
      EventPattern pattern,
      Flow.Subscriber<? super HostEvent> subscriber,
      Executor executor,
      int capacity,
      Consumer<EventSubscriber> onCancel) {
    this.owner = requireNonNull(owner, "owner");
    this.pattern = requireNonNull(pattern, "pattern");
    this.subscriber = requireNonNull(subscriber, "subscriber");
    this.executor = requireNonNull(executor, "executor");
    this.onCancel = requireNonNull(onCancel, "onCancel");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1");
    }
    this.capacity = capacity;
  }

  /** A subscriber that wants everything and hands each event to {@code callback}, logging its failures. */
  public static Flow.Subscriber<HostEvent> callback(Consumer<? super HostEvent> callback) {
    requireNonNull(callback, "callback");
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(HostEvent item) {
        try {
          callback.accept(item);
        } catch (RuntimeException e) {
          log.warn("event callback failed on {}", item.id(), e);
        }
      }

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    };
  }

  /** Starts delivery: {@code onSubscribe} is signalled on the executor. */
  public void start() {
    signal();
  }

  /** The parsed pattern. */
  public EventPattern eventPattern() {
    return pattern;
  }

  @Override
  public String pattern() {
    return pattern.text();
  }

  @Override
  public long droppedEvents() {
    return dropped.get();
  }

  @Override
  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Queues {@code event} if it matches; never blocks. */
  public void offer(HostEvent event) {
    if (cancelled.get() || terminating || !pattern.matches(event)) {
      return;
    }
    boolean overflow = false;
    synchronized (queue) {
      if (queue.size() >= capacity) {
        queue.pollFirst();
        overflow = true;
      }
      queue.addLast(event);
    }
    if (overflow) {
      long n = dropped.incrementAndGet();
      if (n == 1 || n % 1000 == 0) {
        log.warn("{}: subscriber of '{}' is too slow, {} event(s) dropped so far (queue of {})",
            owner, pattern.text(), n, capacity);
      }
    }
    signal();
  }

  /**
   * Ends the subscription from the client's side once the queued events the subscriber asked for
   * are delivered.
   *
   * @param error {@code null} for {@code onComplete}, else the {@code onError} argument
   */
  public void terminate(Throwable error) {
    terminalError = error;
    terminating = true;
    signal();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      // Rule 3.9: a non-positive request is signalled as onError.
      badRequest = new IllegalArgumentException("request(n) needs n > 0, got " + n);
    } else {
      demand.getAndAccumulate(n, (current, add) -> {
        long sum = current + add;
        return sum < 0 ? Long.MAX_VALUE : sum;
      });
    }
    signal();
  }

  @Override
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      synchronized (queue) {
        queue.clear();
      }
      onCancel.accept(this);
    }
  }

  private void signal() {
    if (wip.getAndIncrement() == 0) {
      submit();
    }
  }

  private void submit() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      wip.set(0);
      cancelled.set(true);
      log.debug("{}: event executor is shut down, subscription '{}' ends", owner, pattern.text());
    }
  }

  private void drain() {
    int missed = 1;
    int delivered = 0;
    for (;;) {
      if (!started) {
        started = true;
        try {
          subscriber.onSubscribe(this);
        } catch (Throwable t) {
          log.warn("{}: onSubscribe of '{}' failed, cancelling", owner, pattern.text(), t);
          cancel();
        }
      }
      while (!cancelled.get() && !terminated) {
        Throwable bad = badRequest;
        if (bad != null) {
          cancel();
          terminated = true;
          subscriber.onError(bad);
          break;
        }
        if (demand.get() == 0) {
          break;
        }
        HostEvent next;
        synchronized (queue) {
          next = queue.pollFirst();
        }
        if (next == null) {
          break;
        }
        if (demand.get() != Long.MAX_VALUE) {
          demand.decrementAndGet();
        }
        try {
          subscriber.onNext(next);
        } catch (Throwable t) {
          // Rule 2.13: a subscriber must not throw; treat it as cancelled.
          log.warn("{}: subscriber of '{}' threw, cancelling it", owner, pattern.text(), t);
          cancel();
        }
        if (++delivered >= FAIRNESS_BATCH) {
          // Yield the thread to other subscriptions; we still own the drain (wip > 0).
          executorResubmit();
          return;
        }
      }
      if (terminating && !terminated && !cancelled.get()) {
        boolean empty;
        synchronized (queue) {
          empty = queue.isEmpty();
        }
        if (empty || demand.get() == 0) {
          terminated = true;
          cancelled.set(true);
          Throwable error = terminalError;
          try {
            if (error == null) {
              subscriber.onComplete();
            } else {
              subscriber.onError(error);
            }
          } catch (Throwable t) {
            log.warn("{}: subscriber of '{}' threw on termination", owner, pattern.text(), t);
          }
        }
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void executorResubmit() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      wip.set(0);
      cancelled.set(true);
    }
  }
}

package org.ovirt.vdsm.messaging.client;

/**
 * A subscription to a host's events made with {@link HostClient#subscribe}. It lives across
 * reconnects (the client subscribes again on every new connection) until cancelled or the client is
 * closed.
 *
 * <p>Each subscription has its own bounded queue of events not yet delivered ({@link
 * EngineClientBuilder#eventQueueCapacity}); when it is full the <b>oldest</b> queued event is
 * dropped to make room for the new one (the newest state of an object is worth more than an old
 * one) and {@link #droppedEvents()} counts it. Events are delivered in the order the host sent them,
 * one at a time, on the factory's event executor, never on a network thread; a slow subscriber
 * delays only itself.
 */
public interface EventSubscription extends AutoCloseable {
  /** The pattern as given, {@code receiver|subsystem|event|id}. */
  String pattern();

  /** Events dropped so far because this subscription's queue was full. */
  long droppedEvents();

  /** Whether the subscription was cancelled, or ended with its client. */
  boolean isCancelled();

  /** Stops delivery; events already queued are discarded. Idempotent. */
  void cancel();

  /** {@link #cancel()}. */
  @Override
  default void close() {
    cancel();
  }
}

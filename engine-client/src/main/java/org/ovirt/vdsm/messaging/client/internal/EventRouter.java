package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcNotification;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event subscriptions of one host: turns the host's notifications {@code |subsystem|event|id}
 * into {@link HostEvent}s with the host as receiver and offers each to every subscription, whose
 * pattern filters it and whose bounded queue holds it until its subscriber asks. Tells its owner
 * when the first subscription comes or the last goes, so the transport subscribes the host's event
 * destination only while someone listens.
 */
public final class EventRouter {
  private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

  private final String host;
  private final String name;
  private final Executor delivery;
  private final int queueCapacity;
  private final Runnable interestChanged;
  private final CopyOnWriteArrayList<EventSubscriber> subscribers = new CopyOnWriteArrayList<>();
  private volatile boolean terminated;

  /**
   * @param host the receiver part of the events (the host name as given)
   * @param name the host client's name, for messages
   * @param delivery runs subscribers
   * @param queueCapacity events one subscription may hold
   * @param interestChanged told after a subscription is added or cancelled
   */
  public EventRouter(String host, String name, Executor delivery, int queueCapacity, Runnable interestChanged) {
    this.host = requireNonNull(host, "host");
    this.name = requireNonNull(name, "name");
    this.delivery = requireNonNull(delivery, "delivery");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be >= 1");
    }
    this.queueCapacity = queueCapacity;
    this.interestChanged = requireNonNull(interestChanged, "interestChanged");
  }

  /**
   * Adds a subscription; after {@link #terminateAll} it is completed at once.
   *
   * @throws IllegalArgumentException for a malformed or refused pattern
   */
  public EventSubscriber subscribe(String pattern, Flow.Subscriber<? super HostEvent> subscriber) {
    EventPattern parsed = EventPattern.parse(pattern, host);
    requireNonNull(subscriber, "subscriber");
    EventSubscriber sub = new EventSubscriber(name, parsed, subscriber, delivery, queueCapacity, this::cancelled);
    subscribers.add(sub);
    sub.start();
    if (terminated) {
      subscribers.remove(sub);
      sub.terminate(null);
      return sub;
    }
    interestChanged.run();
    return sub;
  }

  /** Whether anybody listens. */
  public boolean wanted() {
    return !subscribers.isEmpty();
  }

  private void cancelled(EventSubscriber sub) {
    subscribers.remove(sub);
    interestChanged.run();
  }

  /** Ends every subscription: {@code onComplete} when {@code error} is null, else {@code onError}. */
  public void terminateAll(Throwable error) {
    terminated = true;
    for (EventSubscriber s : subscribers) {
      s.terminate(error);
    }
    subscribers.clear();
  }

  /** On the events lane: parses one MESSAGE body from the events destination and routes its events. */
  public void onEvents(String destination, byte[] body) {
    JsonRpcPayload payload = JsonRpcCodec.decode(body);
    for (JsonRpcPayload.Item item : payload.items()) {
      if (item instanceof JsonRpcPayload.Valid valid && valid.message() instanceof JsonRpcNotification n) {
        HostEvent event = toEvent(n);
        if (event == null) {
          log.debug("{}: ignoring notification {} (not |subsystem|event|id)", name, n.method());
          continue;
        }
        for (EventSubscriber s : subscribers) {
          s.offer(event);
        }
      } else {
        log.debug("{}: ignoring a non-notification on {}", name, destination);
      }
    }
  }

  /** {@code |subsystem|event|id} (receiver part empty on the host) to an event of this host. */
  HostEvent toEvent(JsonRpcNotification n) {
    String[] parts = n.method().split("\\|", 4);
    if (parts.length != 4 || parts[1].isEmpty() || parts[2].isEmpty() || parts[3].isEmpty()) {
      return null;
    }
    return new HostEvent(host, parts[1], parts[2], parts[3], n.params());
  }
}

package org.ovirt.vdsm.messaging.server.broker;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The host's internal broker: subscriptions to destinations and topic delivery. A message sent to
 * a destination reaches every subscription to that destination and to each of its dot-separated
 * ancestors, as VDSM delivers every destination, {@code jms.queue.*} included.
 */
public final class Broker {
  private final ConcurrentHashMap<String, Set<MessageSink>> subscribers = new ConcurrentHashMap<>();

  /** Subscribes {@code sink} to {@code destination}. */
  public void subscribe(String destination, MessageSink sink) {
    requireNonNull(sink, "sink");
    subscribers.computeIfAbsent(requireNonNull(destination, "destination"), d -> new CopyOnWriteArraySet<>()).add(sink);
  }

  /** Removes {@code sink} from {@code destination}; unknown pairs are ignored. */
  public void unsubscribe(String destination, MessageSink sink) {
    subscribers.computeIfPresent(
        destination,
        (d, set) -> {
          set.remove(sink);
          return set.isEmpty() ? null : set;
        });
  }

  /**
   * Delivers a message to every subscriber of {@code destination} and of its ancestors.
   *
   * @return how many subscriptions it reached
   */
  public int publish(String destination, String contentType, byte[] body) {
    requireNonNull(destination, "destination");
    requireNonNull(body, "body");
    int delivered = 0;
    String name = destination;
    while (true) {
      Set<MessageSink> sinks = subscribers.get(name);
      if (sinks != null) {
        for (MessageSink sink : sinks) {
          sink.deliver(destination, contentType, body);
          delivered++;
        }
      }
      int dot = name.lastIndexOf('.');
      if (dot <= 0) {
        return delivered;
      }
      name = name.substring(0, dot);
    }
  }

  /** How many destinations have at least one subscriber. */
  public int destinationCount() {
    return subscribers.size();
  }
}

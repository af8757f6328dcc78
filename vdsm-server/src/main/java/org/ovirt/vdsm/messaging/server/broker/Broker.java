package org.ovirt.vdsm.messaging.server.broker;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * The host's internal broker: subscriptions, topics, queues and acknowledgements.
 *
 * <ul>
 *   <li>A topic delivers each message to every subscription to that destination and to each of
 *       its dot-separated ancestors ({@code jms.topic} receives {@code jms.topic.vdsm_requests}),
 *       as VDSM delivers every destination, {@code jms.queue.*} included.
 *   <li>A queue (a destination named in {@link BrokerConfig#queues}) delivers each message to one
 *       of its subscriptions, round robin; a message not acknowledged by a client-ack subscription
 *       is given to a subscriber again on NACK, UNSUBSCRIBE or disconnect. Ancestor subscriptions
 *       do not take part in queues.
 * </ul>
 *
 * <p>All state is guarded by one lock; deliveries only enqueue frames on channels, so the lock is
 * never held across I/O.
 */
public final class Broker {
  private static final RateLimitedLog peerLog = new RateLimitedLog(LoggerFactory.getLogger(Broker.class));

  private final BrokerConfig config;
  private final Object lock = new Object();
  /** Subscriptions per topic destination; sets so that ending one costs O(1) with any crowd. */
  private final Map<String, Set<Subscription>> topics = new HashMap<>();
  private final Map<String, QueueState> queues = new HashMap<>();
  private final Map<BrokerSession, Map<String, Subscription>> sessions = new HashMap<>();
  private final AtomicLong messageIds = new AtomicLong();
  private final AtomicLong ackIds = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  /** Destination names looked up while routing, the unit of a SEND's cost. */
  private final java.util.concurrent.atomic.LongAdder routingLookups = new java.util.concurrent.atomic.LongAdder();

  /** A queue: its waiting messages and its subscribers in round-robin order. */
  private static final class QueueState {
    final Deque<Message> pending = new ArrayDeque<>();
    final List<Subscription> consumers = new ArrayList<>();
    int next;
  }

  public Broker(BrokerConfig config) {
    this.config = requireNonNull(config, "config");
  }

  /** Whether {@code destination} has queue semantics. */
  public boolean isQueue(String destination) {
    return config.queues().contains(destination);
  }

  /**
   * Subscribes {@code session} to {@code destination} under {@code id}.
   *
   * @throws IllegalArgumentException when the session already has a subscription {@code id}
   * @throws BrokerLimitException when the destination or the session's subscriptions pass a bound
   */
  public Subscription subscribe(BrokerSession session, String id, String destination, AckMode ackMode) {
    checkDestination(destination);
    Subscription s = new Subscription(session, id, destination, ackMode);
    synchronized (lock) {
      Map<String, Subscription> own = sessions.computeIfAbsent(session, k -> new LinkedHashMap<>());
      if (own.containsKey(id)) {
        throw new IllegalArgumentException("subscription id " + id + " is in use on this connection");
      }
      if (own.size() >= config.maxSubscriptionsPerSession()) {
        throw new BrokerLimitException(
            "A connection may hold at most " + config.maxSubscriptionsPerSession() + " subscriptions.");
      }
      own.put(id, s);
      if (isQueue(destination)) {
        QueueState q = queues.computeIfAbsent(destination, d -> new QueueState());
        q.consumers.add(s);
        drain(q);
      } else {
        topics.computeIfAbsent(destination, d -> new LinkedHashSet<>()).add(s);
      }
    }
    return s;
  }

  /** The session's subscription called {@code id}, or {@code null}. */
  public Subscription find(BrokerSession session, String id) {
    synchronized (lock) {
      Map<String, Subscription> own = sessions.get(session);
      return own == null ? null : own.get(id);
    }
  }

  /** The session's subscriptions, in the order they were made. */
  public List<Subscription> subscriptions(BrokerSession session) {
    synchronized (lock) {
      Map<String, Subscription> own = sessions.get(session);
      return own == null ? List.of() : List.copyOf(own.values());
    }
  }

  /**
   * The subscriptions made to topic {@code destination} itself (not those to its ancestors, not a
   * queue's consumers), a snapshot in no particular order. For code that addresses each subscriber
   * on its own (a simulated fleet sending every connection its own events, say) rather than
   * publishing to all of them.
   */
  public List<Subscription> topicSubscribers(String destination) {
    requireNonNull(destination, "destination");
    synchronized (lock) {
      Set<Subscription> subs = topics.get(destination);
      return subs == null ? List.of() : List.copyOf(subs);
    }
  }

  /**
   * Ends the session's subscription {@code id}; its unacknowledged queue messages go to other
   * subscribers.
   *
   * @return whether there was such a subscription
   */
  public boolean unsubscribe(BrokerSession session, String id) {
    synchronized (lock) {
      Map<String, Subscription> own = sessions.get(session);
      Subscription s = own == null ? null : own.remove(id);
      if (s == null) {
        return false;
      }
      remove(s);
      return true;
    }
  }

  /** Ends every subscription of a session that went away; redelivers what it had not acked. */
  public void disconnected(BrokerSession session) {
    synchronized (lock) {
      Map<String, Subscription> own = sessions.remove(session);
      if (own != null) {
        own.values().forEach(this::remove);
      }
    }
  }

  private void remove(Subscription s) {
    if (isQueue(s.destination())) {
      QueueState q = queues.get(s.destination());
      q.consumers.remove(s);
      List<Message> back = s.drainUnacked();
      for (int i = back.size() - 1; i >= 0; i--) {
        q.pending.addFirst(back.get(i));
      }
      drain(q);
      if (q.consumers.isEmpty() && q.pending.isEmpty()) {
        queues.remove(s.destination());
      }
    } else {
      Set<Subscription> subs = topics.get(s.destination());
      subs.remove(s);
      if (subs.isEmpty()) {
        topics.remove(s.destination());
      }
    }
  }

  /**
   * Why {@code destination} is refused by the bounds on its length and depth, or empty when it is
   * within them. Linear in the name, stops at the first bound passed.
   */
  public Optional<String> destinationProblem(String destination) {
    requireNonNull(destination, "destination");
    if (destination.length() > config.maxDestinationChars()) {
      return Optional.of("A destination may have at most " + config.maxDestinationChars() + " characters.");
    }
    int parts = 1;
    for (int i = 0; i < destination.length(); i++) {
      if (destination.charAt(i) == '.' && ++parts > config.maxDestinationDepth()) {
        return Optional.of("A destination may have at most " + config.maxDestinationDepth() + " dot-separated parts.");
      }
    }
    return Optional.empty();
  }

  private void checkDestination(String destination) {
    Optional<String> problem = destinationProblem(destination);
    if (problem.isPresent()) {
      throw new BrokerLimitException(problem.get());
    }
  }

  /**
   * Sends a message to {@code destination}. Routing visits the destination and each of its
   * ancestors once: at most {@link BrokerConfig#maxDestinationDepth()} look-ups of names of at most
   * {@link BrokerConfig#maxDestinationChars()} characters.
   *
   * @return how many subscriptions it was delivered to (0 for a queue that keeps it for later)
   * @throws BrokerLimitException when the destination passes a bound
   */
  public int publish(String destination, String contentType, byte[] body) {
    return publish(destination, contentType, body, List.of());
  }

  /**
   * Sends a message carrying the sender's own {@code headers} (see {@link Message#userHeaders}) to
   * {@code destination}; routed as {@link #publish(String, String, byte[])}.
   *
   * @return how many subscriptions it was delivered to (0 for a queue that keeps it for later)
   * @throws BrokerLimitException when the destination passes a bound
   */
  public int publish(String destination, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
    checkDestination(destination);
    Message m = new Message("m-" + messageIds.incrementAndGet(), destination, contentType, body, headers);
    synchronized (lock) {
      if (isQueue(destination)) {
        QueueState q = queues.computeIfAbsent(destination, d -> new QueueState());
        if (q.pending.size() >= config.maxPendingPerQueue()) {
          dropped.incrementAndGet();
          peerLog.warn("queue {} is full ({} messages waiting): dropping a message", destination, q.pending.size());
          return 0;
        }
        q.pending.addLast(m);
        return drain(q);
      }
      int delivered = 0;
      String name = destination;
      while (true) {
        routingLookups.increment();
        Set<Subscription> subs = topics.get(name);
        if (subs != null) {
          for (Subscription s : subs) {
            delivered += deliver(s, m) ? 1 : 0;
          }
        }
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
          return delivered;
        }
        name = name.substring(0, dot);
      }
    }
  }

  /** Gives waiting queue messages to consumers with room, round robin. */
  private int drain(QueueState q) {
    int delivered = 0;
    while (!q.pending.isEmpty()) {
      Subscription target = nextWithRoom(q, null);
      if (target == null) {
        return delivered; // no consumer, or every one is at its unacknowledged limit
      }
      deliver(target, q.pending.pollFirst());
      delivered++;
    }
    return delivered;
  }

  /** The next consumer in round-robin order that can take a message, other than {@code not}. */
  private Subscription nextWithRoom(QueueState q, Subscription not) {
    for (int tried = 0; tried < q.consumers.size(); tried++) {
      Subscription s = q.consumers.get(q.next % q.consumers.size());
      q.next = (q.next + 1) % q.consumers.size();
      if (s != not && hasRoom(s)) {
        return s;
      }
    }
    return null;
  }

  private boolean hasRoom(Subscription s) {
    return s.ackMode() == AckMode.AUTO || s.unackedCount() < config.maxUnackedPerSubscription();
  }

  private boolean deliver(Subscription s, Message m) {
    if (s.ackMode() == AckMode.AUTO) {
      s.session().deliver(s, m, null);
      return true;
    }
    if (!hasRoom(s)) {
      dropped.incrementAndGet();
      peerLog.warn("{} has {} unacknowledged messages: skipping a message on {}", s, s.unackedCount(), m.destination());
      return false;
    }
    String ackId = "a-" + ackIds.incrementAndGet();
    s.delivered(ackId, m);
    s.session().deliver(s, m, ackId);
    return true;
  }

  /**
   * Acknowledges the message delivered with {@code ackId} to one of the session's subscriptions
   * (and, for ack:client, every earlier one on it).
   *
   * @return whether the id was known
   */
  public boolean ack(BrokerSession session, String ackId) {
    synchronized (lock) {
      Subscription s = holder(session, ackId);
      if (s == null) {
        return false;
      }
      s.settle(ackId);
      if (isQueue(s.destination())) {
        drain(queues.get(s.destination()));
      }
      return true;
    }
  }

  /**
   * Refuses the message delivered with {@code ackId} (and, for ack:client, every earlier one): a
   * queue gives them to a subscriber again; a topic drops them.
   *
   * @return whether the id was known
   */
  public boolean nack(BrokerSession session, String ackId) {
    synchronized (lock) {
      Subscription s = holder(session, ackId);
      if (s == null) {
        return false;
      }
      List<Message> refused = s.settle(ackId);
      if (isQueue(s.destination())) {
        QueueState q = queues.get(s.destination());
        List<Message> unplaced = new ArrayList<>();
        for (Message m : refused) {
          Subscription other = nextWithRoom(q, s);
          if (other != null) {
            deliver(other, m);
          } else {
            unplaced.add(m);
          }
        }
        for (int i = unplaced.size() - 1; i >= 0; i--) {
          q.pending.addFirst(unplaced.get(i));
        }
        drain(q);
      }
      return true;
    }
  }

  private Subscription holder(BrokerSession session, String ackId) {
    Map<String, Subscription> own = sessions.get(session);
    if (own != null) {
      for (Subscription s : own.values()) {
        if (s.holds(ackId)) {
          return s;
        }
      }
    }
    return null;
  }

  /**
   * Destination names looked up so far while routing topic messages: at most {@link
   * BrokerConfig#maxDestinationDepth()} per message, whatever the destination (for tests and
   * monitoring of the per-SEND cost).
   */
  public long routingLookups() {
    return routingLookups.sum();
  }

  /** Messages dropped so far (full queues, subscribers at their unacknowledged limit). */
  public long droppedCount() {
    return dropped.get();
  }

  /** Subscriptions held now, by all sessions (topics and queues). */
  public int subscriptionCount() {
    synchronized (lock) {
      int n = 0;
      for (Map<String, Subscription> own : sessions.values()) {
        n += own.size();
      }
      return n;
    }
  }

  /** Messages waiting in queue {@code destination} for a consumer with room (0 for a topic). */
  public int queueDepth(String destination) {
    synchronized (lock) {
      QueueState q = queues.get(destination);
      return q == null ? 0 : q.pending.size();
    }
  }

  /** How many sessions have at least one subscription. */
  public int sessionCount() {
    synchronized (lock) {
      return sessions.size();
    }
  }
}

package org.ovirt.vdsm.messaging.server.guard;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counts behind the server-wide {@link GuardSettings}: connections in total and per peer
 * address, bytes held in partial frames, bytes waiting to be written, and how often each guard said
 * no ({@link Refusal}, for metrics). One instance per server, shared by all its connections;
 * thread-safe, each operation O(1).
 */
public final class ServerBudgets {
  /** What a guard refused or cut, counted by {@link #refusals(Refusal)}. */
  public enum Refusal {
    /** A connection closed at accept: the port had {@link GuardSettings#maxConnections()} open. */
    MAX_CONNECTIONS,
    /** A connection closed at accept: its address had {@link GuardSettings#maxConnectionsPerAddress()}. */
    MAX_CONNECTIONS_PER_ADDRESS,
    /** A STOMP connection cut: its partial frame passed {@link GuardSettings#maxPartialFrameBytes()}. */
    PARTIAL_FRAME_BUDGET,
    /** A STOMP connection cut: a frame not complete within {@link GuardSettings#frameCompletionTimeout()}. */
    FRAME_TIMEOUT,
    /** A STOMP connection cut: its answer passed {@link GuardSettings#maxPendingWriteBytes()}. */
    PENDING_WRITE_BUDGET;

    /** The name in lower case, as a metrics label. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final GuardSettings settings;
  private final LongAdder[] refusals = new LongAdder[Refusal.values().length];
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final AtomicLong partialFrameBytes = new AtomicLong();
  private final AtomicLong pendingWriteBytes = new AtomicLong();

  public ServerBudgets(GuardSettings settings) {
    this.settings = requireNonNull(settings, "settings");
    for (int i = 0; i < refusals.length; i++) {
      refusals[i] = new LongAdder();
    }
  }

  /** Counts one refusal of {@code kind}. */
  public void refused(Refusal kind) {
    refusals[kind.ordinal()].increment();
  }

  /** Refusals of {@code kind} so far. */
  public long refusals(Refusal kind) {
    return refusals[kind.ordinal()].sum();
  }

  /** The bounds. */
  public GuardSettings settings() {
    return settings;
  }

  /**
   * Counts a new connection from {@code address} if both connection limits allow it.
   *
   * @return null when counted (release it with {@link #releaseConnection}), else why it is refused
   */
  public String acquireConnection(InetAddress address) {
    requireNonNull(address, "address");
    if (connections.incrementAndGet() > settings.maxConnections()) {
      connections.decrementAndGet();
      refused(Refusal.MAX_CONNECTIONS);
      return "the port has " + settings.maxConnections() + " connections open (maxConnections)";
    }
    boolean[] counted = {false};
    perAddress.compute(address, (a, n) -> {
      int open = n == null ? 0 : n;
      if (open >= settings.maxConnectionsPerAddress()) {
        return n;
      }
      counted[0] = true;
      return open + 1;
    });
    if (!counted[0]) {
      connections.decrementAndGet();
      refused(Refusal.MAX_CONNECTIONS_PER_ADDRESS);
      return address.getHostAddress() + " has " + settings.maxConnectionsPerAddress()
          + " connections open (maxConnectionsPerAddress)";
    }
    return null;
  }

  /** Forgets a connection counted by {@link #acquireConnection}. */
  public void releaseConnection(InetAddress address) {
    connections.decrementAndGet();
    perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  /** Connections counted now. */
  public int connections() {
    return connections.get();
  }

  /**
   * Adds {@code delta} (negative to release) to the bytes held in partial frames.
   *
   * @return whether the total is within the budget after the change
   */
  public boolean addPartialFrameBytes(long delta) {
    return partialFrameBytes.addAndGet(delta) <= settings.maxPartialFrameBytes();
  }

  /** Bytes held in partial frames now. */
  public long partialFrameBytes() {
    return partialFrameBytes.get();
  }

  /**
   * Reserves {@code bytes} of the pending-write budget.
   *
   * @return whether they fit (nothing is reserved when they do not)
   */
  public boolean reservePendingWrite(long bytes) {
    if (pendingWriteBytes.addAndGet(bytes) > settings.maxPendingWriteBytes()) {
      pendingWriteBytes.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  /** Gives back bytes reserved by {@link #reservePendingWrite}, once written or dropped. */
  public void releasePendingWrite(long bytes) {
    pendingWriteBytes.addAndGet(-bytes);
  }

  /** Bytes waiting to be written now. */
  public long pendingWriteBytes() {
    return pendingWriteBytes.get();
  }
}

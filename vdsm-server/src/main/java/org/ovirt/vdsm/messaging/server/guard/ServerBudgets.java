package org.ovirt.vdsm.messaging.server.guard;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live counts behind the server-wide {@link GuardSettings}: connections in total and per peer
 * address, bytes held in partial frames, bytes waiting to be written. One instance per server,
 * shared by all its connections; thread-safe, each operation O(1).
 */
public final class ServerBudgets {
  private final GuardSettings settings;
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final AtomicLong partialFrameBytes = new AtomicLong();
  private final AtomicLong pendingWriteBytes = new AtomicLong();

  public ServerBudgets(GuardSettings settings) {
    this.settings = requireNonNull(settings, "settings");
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

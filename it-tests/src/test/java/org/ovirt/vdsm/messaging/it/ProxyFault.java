package org.ovirt.vdsm.messaging.it;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What {@link TcpProxy} does to the bytes of one direction of a proxied connection. The faults that
 * act "after N bytes" count from the moment the fault is applied to the connection (when it is
 * injected into a live connection, or from the connection's first byte for a new one), so a fault
 * injected between two frames lands inside the next one.
 */
sealed interface ProxyFault {

  /** Bytes pass unchanged. */
  record None() implements ProxyFault {}

  /** Every chunk read is delivered {@code delay} later (order kept, buffering bounded). */
  record Latency(Duration delay) implements ProxyFault {
    public Latency {
      requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("negative delay: " + delay);
      }
    }
  }

  /** At most {@code bytesPerSecond} are delivered per second (a token bucket of 50 ms of burst). */
  record Bandwidth(long bytesPerSecond) implements ProxyFault {
    public Bandwidth {
      if (bytesPerSecond < 1) {
        throw new IllegalArgumentException("bytesPerSecond must be >= 1: " + bytesPerSecond);
      }
    }
  }

  /** Every byte is delivered by a write of its own (the proxy's sockets have TCP_NODELAY). */
  record OneBytePerWrite() implements ProxyFault {}

  /**
   * After {@code bytes}, nothing more is read or delivered and nothing is closed: no FIN, no reset,
   * like a peer or a link that died (half-open). The sender's buffers fill up and it stops.
   */
  record StallAfter(long bytes) implements ProxyFault {
    public StallAfter {
      requireNonNegative(bytes);
    }
  }

  /**
   * After {@code bytes}, both sockets of the connection are reset ({@code SO_LINGER} 0, then
   * close): each end gets an RST.
   */
  record ResetAfter(long bytes) implements ProxyFault {
    public ResetAfter {
      requireNonNegative(bytes);
    }
  }

  /**
   * After {@code bytes}, the receiver of this direction gets a clean FIN (half close); whatever the
   * sender writes afterwards is read and dropped. The other direction keeps flowing until its own
   * end closes.
   */
  record FinAfter(long bytes) implements ProxyFault {
    public FinAfter {
      requireNonNegative(bytes);
    }
  }

  /**
   * Everything is read and dropped from now on and nothing is closed (not even a FIN passed on): a
   * network that silently stopped delivering while the sender sees no back-pressure.
   */
  record Blackhole() implements ProxyFault {}

  /** No fault. */
  static ProxyFault none() {
    return new None();
  }

  /** For the faults that act after a number of bytes, that number; otherwise -1. */
  default long triggerBytes() {
    if (this instanceof StallAfter s) {
      return s.bytes();
    }
    if (this instanceof ResetAfter r) {
      return r.bytes();
    }
    if (this instanceof FinAfter f) {
      return f.bytes();
    }
    return -1;
  }

  private static void requireNonNegative(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
    }
  }
}

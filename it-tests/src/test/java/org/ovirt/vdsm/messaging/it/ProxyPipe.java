package org.ovirt.vdsm.messaging.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One direction of a {@link TcpProxy} connection: reads from one socket into a bounded queue and
 * writes to the other, applying a {@link ProxyFault}. Used only by the proxy's selector thread, so
 * nothing here is synchronised. Non-blocking channels; the queue holds at most {@link #CAPACITY}
 * bytes, past which the pipe stops reading (the sender feels TCP back-pressure).
 */
final class ProxyPipe {
  /** Bytes one direction may hold before it stops reading. */
  static final int CAPACITY = 256 * 1024;

  /** Single-byte writes per turn of the proxy's loop (each its own {@code write}, so its own segment). */
  private static final int ONE_BYTE_WRITES_PER_TURN = 16;

  /** What the proxy must do to the whole connection after {@link #pump}. */
  enum Outcome { CONTINUE, RESET }

  private static final class Chunk {
    final byte[] data;
    int pos;
    final long due;

    Chunk(byte[] data, long due) {
      this.data = data;
      this.due = due;
    }

    int remaining() {
      return data.length - pos;
    }
  }

  private final SocketChannel from;
  private final SocketChannel to;
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private int queued;
  private ProxyFault fault = ProxyFault.none();
  private long sinceFault;
  private long forwarded;
  private double tokens;
  private long tokensAt;
  private boolean eof;
  private boolean finSent;
  private boolean stalled;
  private boolean discarding;
  private boolean writeBlocked;

  ProxyPipe(SocketChannel from, SocketChannel to) {
    this.from = from;
    this.to = to;
  }

  /** Applies {@code newFault}; "after N bytes" counts from now. A stall or blackhole is lifted by another fault. */
  void apply(ProxyFault newFault, long now) {
    fault = newFault;
    sinceFault = 0;
    stalled = false;
    tokens = 0;
    tokensAt = now;
    if (newFault instanceof ProxyFault.Blackhole) {
      discarding = true;
      queue.clear();
      queued = 0;
    } else if (!finSent) {
      discarding = false;
    }
  }

  /** Bytes delivered to the receiver so far. */
  long forwarded() {
    return forwarded;
  }

  /** Whether the receiver got its FIN (end of stream passed on, or a {@link ProxyFault.FinAfter}). */
  boolean finished() {
    return finSent;
  }

  boolean wantsRead() {
    return !eof && !stalled && (discarding || queued < CAPACITY);
  }

  boolean wantsWrite() {
    return writeBlocked;
  }

  /** Reads what the sender has into {@code scratch} and queues it (or drops it when discarding). */
  void read(ByteBuffer scratch, long now) throws IOException {
    scratch.clear();
    if (!discarding) {
      scratch.limit(Math.min(scratch.capacity(), CAPACITY - queued));
    }
    int n = from.read(scratch);
    if (n < 0) {
      eof = true;
      return;
    }
    if (n == 0 || discarding) {
      return;
    }
    byte[] data = new byte[n];
    scratch.flip().get(data);
    long delay = fault instanceof ProxyFault.Latency l ? l.delay().toNanos() : 0;
    queue.add(new Chunk(data, now + delay));
    queued += n;
  }

  /**
   * Writes what is due, as the fault allows.
   *
   * @return when the pipe must be pumped again at the latest ({@link Long#MAX_VALUE}: on readiness only)
   */
  long pump(long now) throws IOException {
    writeBlocked = false;
    int writesThisTurn = 0;
    if (stalled) {
      return Long.MAX_VALUE;
    }
    long trigger = fault.triggerBytes();
    if (trigger >= 0 && sinceFault >= trigger) {
      triggered();
      return Long.MAX_VALUE;
    }
    while (!queue.isEmpty()) {
      Chunk head = queue.peek();
      if (head.due > now) {
        return head.due;
      }
      long allowed = head.remaining();
      if (trigger >= 0) {
        allowed = Math.min(allowed, trigger - sinceFault);
      }
      if (fault instanceof ProxyFault.Bandwidth b) {
        refill(b, now);
        if (tokens < 1) {
          return now + (long) Math.ceil((1 - tokens) * TimeUnit.SECONDS.toNanos(1) / b.bytesPerSecond());
        }
        allowed = Math.min(allowed, (long) tokens);
      }
      boolean oneByte = fault instanceof ProxyFault.OneBytePerWrite;
      if (oneByte) {
        allowed = Math.min(allowed, 1);
      }
      int n = allowed == 0 ? 0 : to.write(ByteBuffer.wrap(head.data, head.pos, (int) allowed));
      head.pos += n;
      queued -= n;
      forwarded += n;
      sinceFault += n;
      if (fault instanceof ProxyFault.Bandwidth) {
        tokens -= n;
      }
      if (head.remaining() == 0) {
        queue.poll();
      }
      if (trigger >= 0 && sinceFault >= trigger) {
        triggered();
        return Long.MAX_VALUE;
      }
      if (n < allowed) {
        writeBlocked = true;
        return Long.MAX_VALUE;
      }
      if (oneByte && ++writesThisTurn >= ONE_BYTE_WRITES_PER_TURN) {
        return queue.isEmpty() ? passFinIfDone() : now; // let the other connections have a turn
      }
    }
    return passFinIfDone();
  }

  /** Whether the fault that acts after N bytes asks the proxy to reset the connection. */
  Outcome outcome() {
    long trigger = fault.triggerBytes();
    boolean reached = trigger >= 0 && sinceFault >= trigger;
    return reached && fault instanceof ProxyFault.ResetAfter ? Outcome.RESET : Outcome.CONTINUE;
  }

  /** Acts on a fault whose byte count is reached (a reset is left to the proxy, see {@link #outcome}). */
  private void triggered() throws IOException {
    if (fault instanceof ProxyFault.StallAfter) {
      stalled = true;
    } else if (fault instanceof ProxyFault.FinAfter && !finSent) {
      finSent = true;
      discarding = true;
      queue.clear();
      queued = 0;
      to.shutdownOutput();
    }
  }

  private long passFinIfDone() throws IOException {
    if (eof && queue.isEmpty() && !finSent && !discarding) {
      finSent = true;
      to.shutdownOutput();
    }
    return Long.MAX_VALUE;
  }

  private void refill(ProxyFault.Bandwidth b, long now) {
    double burst = Math.max(1.0, b.bytesPerSecond() / 20.0);
    tokens = Math.min(burst, tokens + (now - tokensAt) * (double) b.bytesPerSecond() / TimeUnit.SECONDS.toNanos(1));
    tokensAt = now;
  }
}

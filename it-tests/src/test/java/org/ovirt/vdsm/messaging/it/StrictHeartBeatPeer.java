package org.ovirt.vdsm.messaging.it;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A STOMP peer over a raw socket (plain or TLS) that is as strict about heart-beats as VDSM's busy
 * server: once the first frame arrived, it closes the connection the moment {@code intervalMs}
 * passes without a single byte from the other side, and also when bytes arrive after a gap longer
 * than that. Once started, it sends its own heart-beat EOL every quarter interval, answers every frame that asks for
 * a receipt, and hands every frame it reads to {@link #frames()}. No project code is used for the
 * wire: this peer has its own small frame parser.
 */
final class StrictHeartBeatPeer implements AutoCloseable {
  /** A frame as read: command, headers (first value wins, escapes left alone), body. */
  record Frame(String command, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final long intervalNanos;
  private final InputStream in;
  private final OutputStream out;
  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> violation = new CompletableFuture<>();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final Thread reader;
  private final ScheduledExecutorService beater = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "strict-peer-heart-beat");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;
  private long maxGapNanos;
  private volatile int beatsSent;

  StrictHeartBeatPeer(Socket socket, long intervalMs) throws IOException {
    this.socket = requireNonNull(socket, "socket");
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.reader = new Thread(this::readLoop, "strict-peer");
    reader.setDaemon(true);
    reader.start();
  }

  /** Writes {@code text} (a whole frame, NUL included) at once. */
  synchronized void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends a heart-beat EOL now and then every quarter interval, on a thread of its own. */
  void startHeartBeats() {
    beater.scheduleAtFixedRate(this::beat, 0, intervalNanos / 4, TimeUnit.NANOSECONDS);
  }

  private void beat() {
    try {
      send("\n");
      beatsSent++;
    } catch (IOException e) {
      beater.shutdown(); // closed
    }
  }

  /** The frames read so far, in order. */
  BlockingQueue<Frame> frames() {
    return frames;
  }

  /**
   * Completes with a description when this peer closed the connection because of a gap, or when the
   * other side closed it; never completes while the other side keeps its heart-beat promise.
   */
  CompletableFuture<String> violation() {
    return violation;
  }

  /** The longest silence seen between two reads after the first frame, in milliseconds. */
  synchronized long maxGapMs() {
    return TimeUnit.NANOSECONDS.toMillis(maxGapNanos);
  }

  private void readLoop() {
    byte[] buffer = new byte[8192];
    long last = 0;
    try {
      while (!closed) {
        long now = System.nanoTime();
        boolean timing = last != 0;
        long wait = TimeUnit.SECONDS.toNanos(30);
        if (timing) {
          wait = intervalNanos - (now - last);
          if (wait <= 0) {
            fail("no byte for " + TimeUnit.NANOSECONDS.toMillis(now - last) + " ms");
            return;
          }
        }
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        int n;
        try {
          n = in.read(buffer);
        } catch (SocketTimeoutException e) {
          if (!timing) {
            fail("no frame within 30 s");
            return;
          }
          continue; // the top of the loop measures the gap
        }
        now = System.nanoTime();
        if (n < 0) {
          fail("closed by the other side");
          return;
        }
        if (timing) {
          long gap = now - last;
          synchronized (this) {
            maxGapNanos = Math.max(maxGapNanos, gap);
          }
          if (gap > intervalNanos) {
            fail("a gap of " + TimeUnit.NANOSECONDS.toMillis(gap) + " ms");
            return;
          }
        }
        pending.write(buffer, 0, n);
        if (parseFrames() || timing) {
          last = now;
        }
      }
    } catch (IOException e) {
      fail(closed ? "closed" : "read failed: " + e);
    }
  }

  /** Takes whole frames out of the pending bytes; true when at least one was read. */
  private boolean parseFrames() throws IOException {
    boolean any = false;
    byte[] bytes = pending.toByteArray();
    int start = 0;
    while (true) {
      while (start < bytes.length && (bytes[start] == '\n' || bytes[start] == '\r')) {
        start++;
      }
      int headEnd = indexOf(bytes, start, "\n\n".getBytes(StandardCharsets.US_ASCII));
      if (headEnd < 0) {
        break;
      }
      String head = new String(bytes, start, headEnd - start, StandardCharsets.UTF_8);
      String[] lines = head.split("\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
      }
      int bodyStart = headEnd + 2;
      int bodyEnd;
      String length = headers.get("content-length");
      if (length != null) {
        bodyEnd = bodyStart + Integer.parseInt(length);
        if (bodyEnd >= bytes.length) {
          break;
        }
      } else {
        bodyEnd = indexOf(bytes, bodyStart, new byte[] {0});
        if (bodyEnd < 0) {
          break;
        }
      }
      Frame frame = new Frame(lines[0], headers, new String(bytes, bodyStart, bodyEnd - bodyStart, StandardCharsets.UTF_8));
      start = bodyEnd + 1;
      any = true;
      frames.add(frame);
      String receipt = headers.get("receipt");
      if (receipt != null) {
        send("RECEIPT\nreceipt-id:" + receipt + "\n\n\0");
      }
    }
    pending.reset();
    pending.write(bytes, start, bytes.length - start);
    return any;
  }

  private static int indexOf(byte[] bytes, int from, byte[] needle) {
    outer:
    for (int i = from; i <= bytes.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void fail(String why) {
    violation.complete(why + " (longest gap before: " + maxGapMs() + " ms, heart-beats sent: " + beatsSent + ")");
    close();
  }

  @Override
  public void close() {
    closed = true;
    beater.shutdownNow();
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}

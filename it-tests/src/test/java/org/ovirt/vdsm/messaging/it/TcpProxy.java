package org.ovirt.vdsm.messaging.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback for fault tests: forwards bytes both ways between each accepted client and
 * the target, and injects a {@link ProxyFault} per {@link Direction} (latency, a bandwidth cap, one
 * byte per write, a stall, a reset or a FIN after N bytes, a blackhole) into the connections open
 * now and those accepted later. One thread with one selector serves every connection; each
 * direction buffers at most {@link ProxyPipe#CAPACITY} bytes.
 */
final class TcpProxy implements AutoCloseable {
  /** Which way bytes go. */
  enum Direction {
    /** From the accepted client to the target. */
    UPSTREAM,
    /** From the target back to the client. */
    DOWNSTREAM
  }

  private static final long CLOSE_WAIT_MS = 5_000;
  private static final long TASK_WAIT_MS = 5_000;

  private final InetSocketAddress target;
  private final Selector selector;
  private final ServerSocketChannel server;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<Connection> connections = new ArrayList<>();
  private final Map<Direction, ProxyFault> faults = new EnumMap<>(Direction.class);
  private final ByteBuffer scratch = ByteBuffer.allocateDirect(16 * 1024);
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile boolean closed;

  /** Listens on an ephemeral port of 127.0.0.1 and forwards to {@code target}, which must be on loopback. */
  TcpProxy(InetSocketAddress target) throws IOException {
    this.target = requireNonNull(target, "target");
    if (!target.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("the proxy forwards to loopback only: " + target);
    }
    faults.put(Direction.UPSTREAM, ProxyFault.none());
    faults.put(Direction.DOWNSTREAM, ProxyFault.none());
    selector = Selector.open();
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 128);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    thread = new Thread(this::loop, "tcp-proxy-" + port());
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    try {
      return ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** Connections open now (both sockets of a pair not yet closed). */
  int open() {
    return open.get();
  }

  /** Bytes delivered so far, both directions, all connections. */
  long forwarded() {
    return forwarded.get();
  }

  /**
   * Applies {@code fault} to {@code direction} of every open connection and of those accepted later;
   * returns once it applies.
   */
  void inject(Direction direction, ProxyFault fault) {
    requireNonNull(direction, "direction");
    requireNonNull(fault, "fault");
    submit(() -> {
      faults.put(direction, fault);
      long now = System.nanoTime();
      for (Connection c : connections) {
        c.pipe(direction).apply(fault, now);
      }
    });
  }

  /** Removes every fault, in both directions, of open and later connections (a stall is lifted). */
  void clear() {
    inject(Direction.UPSTREAM, ProxyFault.none());
    inject(Direction.DOWNSTREAM, ProxyFault.none());
  }

  /** Stops forwarding in both directions, silently: nothing is closed, nothing more delivered. */
  void blackhole() {
    inject(Direction.UPSTREAM, new ProxyFault.Blackhole());
    inject(Direction.DOWNSTREAM, new ProxyFault.Blackhole());
  }

  /** Resets (RST to both ends) every connection open now. */
  void resetAll() {
    submit(() -> {
      for (Connection c : List.copyOf(connections)) {
        c.abort();
      }
    });
  }

  /** Runs {@code task} on the proxy's thread and returns once it ran (at most {@value #TASK_WAIT_MS} ms). */
  private void submit(Runnable task) {
    if (closed) {
      throw new IllegalStateException("the proxy is closed");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    tasks.add(() -> {
      task.run();
      done.complete(null);
    });
    selector.wakeup();
    try {
      done.get(TASK_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the proxy applied a change", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the proxy did not apply a change within " + TASK_WAIT_MS + " ms", e);
    }
  }

  private void loop() {
    try {
      while (!closed) {
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        long now = System.nanoTime();
        long wake = Long.MAX_VALUE;
        for (Connection c : List.copyOf(connections)) {
          wake = Math.min(wake, c.service(now));
        }
        if (wake <= now) {
          selector.selectNow();
        } else {
          long ms = wake == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - now + 999_999));
          selector.select(ms);
        }
        long readAt = System.nanoTime();
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key, readAt);
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        System.err.println("tcp proxy stopped: " + e);
      }
    } finally {
      for (Connection c : List.copyOf(connections)) {
        c.close();
      }
      closeQuietly(server);
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void handle(SelectionKey key, long now) throws IOException {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept();
      return;
    }
    Connection c = (Connection) key.attachment();
    try {
      if (key.isConnectable()) {
        c.upstream.finishConnect();
      }
      if (key.isValid() && key.isReadable()) {
        c.readFrom((SocketChannel) key.channel(), now);
      }
    } catch (IOException e) {
      c.abort(); // the failure of one end is passed on to the other as a reset
    }
  }

  private void accept() throws IOException {
    SocketChannel client = server.accept();
    if (client == null) {
      return;
    }
    accepted.incrementAndGet();
    SocketChannel upstream = SocketChannel.open();
    try {
      for (SocketChannel ch : List.of(client, upstream)) {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      upstream.connect(target);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    Connection c = new Connection(client, upstream);
    long now = System.nanoTime();
    c.up.apply(faults.get(Direction.UPSTREAM), now);
    c.down.apply(faults.get(Direction.DOWNSTREAM), now);
    c.clientKey = client.register(selector, 0, c);
    c.upstreamKey = upstream.register(selector, SelectionKey.OP_CONNECT, c);
    connections.add(c);
    open.incrementAndGet();
  }

  /** A client socket, its upstream socket and a pipe each way. */
  private final class Connection {
    final SocketChannel client;
    final SocketChannel upstream;
    final ProxyPipe up;
    final ProxyPipe down;
    SelectionKey clientKey;
    SelectionKey upstreamKey;
    private boolean done;

    Connection(SocketChannel client, SocketChannel upstream) {
      this.client = client;
      this.upstream = upstream;
      this.up = new ProxyPipe(client, upstream);
      this.down = new ProxyPipe(upstream, client);
    }

    ProxyPipe pipe(Direction d) {
      return d == Direction.UPSTREAM ? up : down;
    }

    void readFrom(SocketChannel ch, long now) throws IOException {
      (ch == client ? up : down).read(scratch, now);
    }

    /** Pumps both pipes, then sets what the selector watches; returns the next deadline. */
    long service(long now) {
      if (done || !upstream.isConnected()) {
        if (!done && upstreamKey.isValid()) {
          upstreamKey.interestOps(SelectionKey.OP_CONNECT);
        }
        return Long.MAX_VALUE;
      }
      long wake;
      try {
        long before = up.forwarded() + down.forwarded();
        wake = Math.min(up.pump(now), down.pump(now));
        forwarded.addAndGet(up.forwarded() + down.forwarded() - before);
      } catch (IOException e) {
        abort();
        return Long.MAX_VALUE;
      }
      if (up.outcome() == ProxyPipe.Outcome.RESET || down.outcome() == ProxyPipe.Outcome.RESET) {
        abort();
        return Long.MAX_VALUE;
      }
      if (up.finished() && down.finished()) {
        close();
        return Long.MAX_VALUE;
      }
      try {
        clientKey.interestOps((up.wantsRead() ? SelectionKey.OP_READ : 0) | (down.wantsWrite() ? SelectionKey.OP_WRITE : 0));
        upstreamKey.interestOps((down.wantsRead() ? SelectionKey.OP_READ : 0) | (up.wantsWrite() ? SelectionKey.OP_WRITE : 0));
      } catch (CancelledKeyException e) {
        abort();
        return Long.MAX_VALUE;
      }
      return wake;
    }

    /** Resets both ends: SO_LINGER 0, then close, so each gets an RST. */
    void abort() {
      for (SocketChannel ch : List.of(client, upstream)) {
        try {
          ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
          // already closed: nothing to reset
        }
      }
      close();
    }

    void close() {
      if (done) {
        return;
      }
      done = true;
      closeQuietly(client);
      closeQuietly(upstream);
      connections.remove(this);
      open.decrementAndGet();
    }
  }

  private static void closeQuietly(java.nio.channels.Channel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Stops the proxy and closes every connection (gracefully: a FIN to each end); waits up to 5 s. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    try {
      thread.join(CLOSE_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("the proxy thread did not stop within " + CLOSE_WAIT_MS + " ms");
    }
  }
}

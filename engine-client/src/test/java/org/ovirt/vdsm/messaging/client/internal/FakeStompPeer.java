package org.ovirt.vdsm.messaging.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scriptable STOMP host on a loopback socket for client tests, with its own deliberately simple
 * frame reader and writer (no project code): answers CONNECT with CONNECTED, records every frame,
 * routes answers to the subscription of a SEND's reply-to, and can write frames in one write, byte
 * by byte, go silent, close (FIN) or reset. One blocking reader thread per connection.
 */
public final class FakeStompPeer implements AutoCloseable {
  /** A frame as read: command, headers (first value wins), body. */
  public record Frame(String command, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What the host answers in CONNECTED's heart-beat header ({@code null}: no header). */
  public volatile String heartBeatReply = "0,0";
  /** Whether CONNECT is answered at once. */
  public volatile boolean autoConnected = true;
  /** Whether DISCONNECT with a receipt is answered with RECEIPT. */
  public volatile boolean autoReceipt = true;
  /** Answers a SEND body with a MESSAGE body to its reply-to, or {@code null} for no answer. */
  public volatile Function<String, String> answerer;
  /**
   * As VDSM routes answers: each answer goes to every subscription of the request's reply-to on
   * every connection (not only to the requesting one).
   */
  public volatile boolean vdsmRouting;
  /** As a VDSM host: a batch of two or more requests is never answered. */
  public volatile boolean dropBatches;
  /** As a VDSM host: the answer to a one-element batch is the bare response object. */
  public volatile boolean bareOneElementBatch;
  /** As a VDSM host: MESSAGE frames without {@code message-id}. */
  public volatile boolean omitMessageId;

  private final ServerSocket server;
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  public FakeStompPeer() throws IOException {
    this(0);
  }

  public FakeStompPeer(int port) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    acceptor = new Thread(this::acceptLoop, "fake-stomp-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Waits for the next accepted connection. */
  /** Every connection accepted so far, in order. */
  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  public Connection nextConnection(Duration wait) throws InterruptedException {
    Connection c = accepted.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (c == null) {
      throw new AssertionError("no connection within " + wait);
    }
    return c;
  }

  /** Connections accepted so far. */
  public int connectionCount() {
    return connections.size();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        Connection c = new Connection(s);
        connections.add(c);
        accepted.add(c);
        c.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Connection c : connections) {
      c.closeQuietly();
    }
  }

  /** One accepted connection. */
  public final class Connection {
    public final Socket socket;
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    public final List<Frame> all = new CopyOnWriteArrayList<>();
    final AtomicInteger heartBeats = new AtomicInteger();
    /** destination to subscription id. */
    public final Map<String, String> subscriptions = new ConcurrentHashMap<>();
    /** MESSAGE frames made for this connection so far. */
    public final AtomicInteger messages = new AtomicInteger();
    private final InputStream in;
    private final OutputStream out;
    private final AtomicInteger messageIds = new AtomicInteger();
    private volatile boolean silent;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void start() {
      Thread t = new Thread(this::readLoop, "fake-stomp-reader-" + socket.getPort());
      t.setDaemon(true);
      t.start();
    }

    /** Stops answering anything (reads go on, nothing is written). */
    public void goSilent() {
      silent = true;
    }

    /** The next frame received, skipping none. */
    public Frame nextFrame(Duration wait) throws InterruptedException {
      Frame f = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no frame within " + wait + "; got so far " + commands());
      }
      return f;
    }

    /** The next frame with {@code command}, skipping others. */
    public Frame next(String command, Duration wait) throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      for (;;) {
        long left = deadline - System.nanoTime();
        Frame f = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no " + command + " within " + wait + "; got " + commands());
        }
        if (f.command().equals(command)) {
          return f;
        }
      }
    }

    public List<String> commands() {
      List<String> c = new ArrayList<>();
      for (Frame f : all) {
        c.add(f.command());
      }
      return c;
    }

    public synchronized void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Writes {@code bytes} one byte per write (and TCP segment: no delay). */
    public synchronized void writeByteByByte(byte[] bytes) throws IOException {
      for (byte b : bytes) {
        out.write(b);
        out.flush();
      }
    }

    /** A MESSAGE frame to the subscription of {@code destination}. */
    public byte[] message(String destination, String body) {
      String sub = subscriptions.getOrDefault(destination, "unknown");
      messages.incrementAndGet();
      if (omitMessageId) {
        return frame("MESSAGE", body, "destination", destination, "subscription", sub, "content-type", "application/json");
      }
      return frame("MESSAGE", body,
          "destination", destination,
          "subscription", sub,
          "message-id", "m-" + messageIds.incrementAndGet(),
          "content-type", "application/json");
    }

    /**
     * The destination this connection subscribed for answers on {@code shared}'s side: {@code
     * shared} itself or {@code shared.<suffix>} (a reply destination of the connection's own).
     */
    public String replies(String shared) {
      for (String d : subscriptions.keySet()) {
        if (d.equals(shared) || d.startsWith(shared + ".")) {
          return d;
        }
      }
      throw new AssertionError("no subscription for answers on " + shared + ": " + subscriptions.keySet());
    }

    /** Closes with FIN. */
    public void fin() throws IOException {
      socket.shutdownOutput();
      socket.close();
    }

    /** Closes with RST. */
    public void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    void closeQuietly() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }

    private void readLoop() {
      try {
        for (;;) {
          Frame f = read();
          if (f == null) {
            return;
          }
          all.add(f);
          if (!silent && f.command().equals("SUBSCRIBE")) {
            // Recorded before the test can see the frame, so that a test that waited for the
            // SUBSCRIBE also sees the subscription.
            subscriptions.put(f.header("destination"), f.header("id"));
          }
          frames.add(f);
          react(f);
        }
      } catch (IOException e) {
        // closed
      }
    }

    private void react(Frame f) throws IOException {
      if (silent) {
        return;
      }
      switch (f.command()) {
        case "CONNECT", "STOMP" -> {
          if (autoConnected) {
            connected();
          }
        }
        case "SEND" -> answer(f);
        case "DISCONNECT" -> {
          if (autoReceipt && f.header("receipt") != null) {
            write(frame("RECEIPT", "", "receipt-id", f.header("receipt")));
          }
        }
        default -> {
          // recorded only
        }
      }
    }

    private void answer(Frame send) throws IOException {
      Function<String, String> a = answerer;
      String body = send.bodyText();
      int batchSize = batchSize(body);
      if (a == null || (dropBatches && batchSize >= 2)) {
        return;
      }
      String answer = a.apply(body);
      if (answer == null) {
        return;
      }
      if (bareOneElementBatch && batchSize == 1) {
        answer = unwrapOneElementArray(answer);
      }
      String replyTo = send.header("reply-to");
      if (!vdsmRouting) {
        write(message(replyTo, answer));
        return;
      }
      for (Connection c : connections) {
        if (c.subscriptions.containsKey(replyTo)) {
          c.write(c.message(replyTo, answer));
        }
      }
    }

    public void connected() throws IOException {
      String hb = heartBeatReply;
      write(hb == null ? frame("CONNECTED", "", "version", "1.2") : frame("CONNECTED", "", "version", "1.2", "heart-beat", hb));
    }

    /** Reads one frame; heart-beat EOLs are counted and skipped; null at end of stream. */
    private Frame read() throws IOException {
      int b;
      do {
        b = in.read();
        if (b == -1) {
          return null;
        }
        if (b == '\n') {
          heartBeats.incrementAndGet();
        }
      } while (b == '\n' || b == '\r');
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      line.write(b);
      String command = readLine(line);
      Map<String, String> headers = new LinkedHashMap<>();
      for (;;) {
        String h = readLine(new ByteArrayOutputStream());
        if (h == null) {
          return null;
        }
        if (h.isEmpty()) {
          break;
        }
        int colon = h.indexOf(':');
        headers.putIfAbsent(h.substring(0, colon), h.substring(colon + 1));
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      String length = headers.get("content-length");
      if (length != null) {
        byte[] bytes = in.readNBytes(Integer.parseInt(length));
        body.write(bytes);
        if (in.read() != 0) {
          throw new IOException("no NUL after the body");
        }
      } else {
        for (;;) {
          int c = in.read();
          if (c == -1) {
            return null;
          }
          if (c == 0) {
            break;
          }
          body.write(c);
        }
      }
      return new Frame(command, headers, body.toByteArray());
    }

    private String readLine(ByteArrayOutputStream line) throws IOException {
      for (;;) {
        int c = in.read();
        if (c == -1) {
          return null;
        }
        if (c == '\n') {
          byte[] bytes = line.toByteArray();
          int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
        line.write(c);
      }
    }
  }

  /** A frame's bytes: command, headers (name, value, ...), content-length when there is a body, NUL. */
  public static byte[] frame(String command, String body, String... headers) {
    StringBuilder sb = new StringBuilder(command).append('\n');
    for (int i = 0; i < headers.length; i += 2) {
      sb.append(headers[i]).append(':').append(headers[i + 1]).append('\n');
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0) {
      sb.append("content-length:").append(b.length).append('\n');
    }
    sb.append('\n');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(b);
    out.write(0);
    return out.toByteArray();
  }

  /** The number of requests of a JSON array body, or 0 when it is not an array. */
  static int batchSize(String body) {
    com.google.gson.JsonElement parsed = com.google.gson.JsonParser.parseString(body);
    return parsed.isJsonArray() ? parsed.getAsJsonArray().size() : 0;
  }

  private static String unwrapOneElementArray(String answer) {
    com.google.gson.JsonElement parsed = com.google.gson.JsonParser.parseString(answer);
    return parsed.isJsonArray() && parsed.getAsJsonArray().size() == 1 ? parsed.getAsJsonArray().get(0).toString() : answer;
  }

  /** Two byte arrays as one. */
  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

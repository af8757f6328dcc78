package org.ovirt.vdsm.messaging.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deliberately simple STOMP client over a plain socket for tests that send malformed or unusual
 * bytes: it writes exactly what it is given and reads frames with a small parser of its own (no
 * project code), every read bounded by a deadline.
 */
public final class RawStompClient implements AutoCloseable {
  /** A frame as read: command, headers (first value wins, not unescaped), body. */
  public record Frame(String command, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** Connects to {@code address} with reads that time out after {@code readTimeout}. */
  public RawStompClient(InetSocketAddress address, Duration readTimeout) throws IOException {
    this(address, readTimeout, 0);
  }

  /**
   * Connects with a fixed socket receive buffer of {@code receiveBufferBytes} (0 for the system's
   * auto-tuned one): a small one makes a client that does not read fill up quickly.
   */
  public RawStompClient(InetSocketAddress address, Duration readTimeout, int receiveBufferBytes) throws IOException {
    this(new Socket(), address, readTimeout, receiveBufferBytes);
  }

  /** Connects over TLS with sockets from {@code tls} (the handshake runs before the first frame). */
  public RawStompClient(javax.net.ssl.SSLSocketFactory tls, InetSocketAddress address, Duration readTimeout) throws IOException {
    this(tls.createSocket(), address, readTimeout, 0);
    ((javax.net.ssl.SSLSocket) socket).startHandshake();
  }

  private RawStompClient(Socket unconnected, InetSocketAddress address, Duration readTimeout, int receiveBufferBytes)
      throws IOException {
    socket = unconnected;
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.connect(address, (int) readTimeout.toMillis());
    socket.setSoTimeout((int) readTimeout.toMillis());
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Writes {@code text} as UTF-8 bytes, {@code \0} included as written. */
  public RawStompClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  public RawStompClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** A CONNECT frame for STOMP 1.2 with the given heart-beat. */
  public RawStompClient connect(String heartBeat) throws IOException {
    return send("CONNECT\naccept-version:1.2\nhost:null\nheart-beat:" + heartBeat + "\n\n\0");
  }

  /** Reads one frame, skipping heart-beat EOLs; fails when the deadline passes or the peer closes. */
  public Frame readFrame() throws IOException {
    int b;
    do {
      b = in.read();
      if (b == -1) {
        throw new IOException("closed by the peer before a frame");
      }
    } while (b == '\n' || b == '\r');
    String command = (char) b + readLine();
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.putIfAbsent(line.substring(0, colon), line.substring(colon + 1));
    }
    byte[] body;
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
      if (in.read() != 0) {
        throw new IOException("no NUL after the body");
      }
    } else {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int c = in.read(); c != 0; c = in.read()) {
        if (c == -1) {
          throw new IOException("closed inside a frame");
        }
        bytes.write(c);
      }
      body = bytes.toByteArray();
    }
    return new Frame(command, headers, body);
  }

  /** Reads the next single byte (for heart-beat checks); -1 when the peer closed. */
  public int readByte() throws IOException {
    return in.read();
  }

  /**
   * Whether the peer has closed the connection: reads until end of stream, ignoring heart-beat
   * EOLs, and returns false when other bytes arrive or the read deadline passes first.
   */
  public boolean isClosedByPeer() throws IOException {
    try {
      for (int b = in.read(); ; b = in.read()) {
        if (b == -1) {
          return true;
        }
        if (b != '\n' && b != '\r') {
          return false;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the peer
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c == -1) {
        throw new IOException("closed inside a frame");
      }
      line.write(c);
    }
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

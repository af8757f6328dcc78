package org.ovirt.vdsm.messaging.it.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * Loopback port helpers for the broker fixtures. A broker whose configuration must name its own port
 * before it starts (a cluster peer, a restart on the same port, a RabbitMQ config file) gets one
 * the kernel handed out as ephemeral and that was free a moment ago: a small race with other
 * processes, accepted for tests.
 */
public final class LoopbackPorts {

  /** The loopback address every fixture binds to. */
  public static final String HOST = "127.0.0.1";

  private LoopbackPorts() {}

  /** An ephemeral port that is free on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** Whether a TCP connection to 127.0.0.1:{@code port} is accepted within {@code timeout}. */
  public static boolean accepts(int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), (int) timeout.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

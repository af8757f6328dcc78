package org.ovirt.vdsm.messaging.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;

/**
 * A mutual-TLS front on a loopback port, with the JDK's own TLS (not the project's): each accepted
 * connection is handshaken with the given certificate and trust anchor, its client certificate
 * recorded, then relayed byte for byte to a plain-TCP backend (a fake STOMP host). Handshake
 * failures are recorded too. One blocking thread per direction and connection.
 */
final class TlsFront implements AutoCloseable {
  /** Subjects of the client certificates of successful handshakes, in order. */
  final BlockingQueue<String> clientSubjects = new LinkedBlockingQueue<>();
  /** Handshake failures seen by this server. */
  final BlockingQueue<Exception> failures = new LinkedBlockingQueue<>();

  private final SSLServerSocket server;
  private final int backendPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** Presents {@code cert}/{@code key}, trusts {@code ca}, relays to 127.0.0.1:{@code backendPort}. */
  TlsFront(Path key, Path cert, Path ca, int backendPort) throws IOException {
    SSLContext context = JdkSslContexts.of(key, cert, ca);
    this.backendPort = backendPort;
    server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    server.setNeedClientAuth(true);
    server.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::acceptLoop, "tls-front-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        SSLSocket tls = (SSLSocket) server.accept();
        sockets.add(tls);
        Thread t = new Thread(() -> serve(tls), "tls-front-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SSLSocket tls) {
    try {
      tls.setSoTimeout(30_000);
      tls.startHandshake();
      X509Certificate client = (X509Certificate) tls.getSession().getPeerCertificates()[0];
      clientSubjects.add(client.getSubjectX500Principal().getName());
      tls.setSoTimeout(0);
    } catch (IOException e) {
      failures.add(e);
      closeQuietly(tls);
      return;
    }
    try {
      Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
      sockets.add(backend);
      Thread up = new Thread(() -> pump(tls, backend), "tls-front-up");
      up.setDaemon(true);
      up.start();
      pump(backend, tls);
    } catch (IOException e) {
      closeQuietly(tls);
    }
  }

  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}

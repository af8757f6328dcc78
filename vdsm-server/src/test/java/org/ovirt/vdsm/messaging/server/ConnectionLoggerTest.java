package org.ovirt.vdsm.messaging.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Connections in the log at INFO: peer, protocol, TLS, and how each ended. */
class ConnectionLoggerTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ConnectionLogger.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private VdsmServer server;

  @BeforeEach
  void start() throws Exception {
    lines.start();
    logger.addAppender(lines);
    logger.setLevel(Level.INFO);
    server = VdsmServer.withDefaultApi(VdsmServerConfig.plain("127.0.0.1", 0));
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    logger.detachAppender(lines);
    logger.setLevel(null);
  }

  private List<String> messages() {
    return lines.list.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void stompConnectionClosedByThePeerIsTwoInfoLines() throws Exception {
    String peer;
    try (Socket socket = new Socket()) {
      socket.connect(server.localAddress(), 10_000);
      socket.setSoTimeout(10_000);
      peer = socket.getLocalSocketAddress().toString();
      OutputStream out = socket.getOutputStream();
      out.write("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0".getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] connected = new byte[9];
      assertThat(in.readNBytes(connected, 0, 9)).isEqualTo(9);
      assertThat(new String(connected, StandardCharsets.UTF_8)).isEqualTo("CONNECTED");
    }
    String peerAddress = peer; // "/127.0.0.1:port", as the server sees it
    await().atMost(Duration.ofSeconds(10)).until(() -> messages().size() >= 2);
    assertThat(messages().get(0)).isEqualTo(peerAddress + " connected: STOMP over plain TCP");
    assertThat(messages().get(1)).startsWith(peerAddress + " disconnected after ").endsWith(" (STOMP): closed by the peer");
  }

  @Test
  void connectionThatNeverShowsAProtocolIsDebugOnly() throws Exception {
    logger.setLevel(Level.DEBUG);
    String peer;
    try (Socket socket = new Socket()) {
      socket.connect(server.localAddress(), 10_000);
      peer = socket.getLocalSocketAddress().toString();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.stream()
        .anyMatch(e -> e.getFormattedMessage().startsWith(peer + " closed before any protocol after ")));
    assertThat(messages()).isEmpty();
  }
}

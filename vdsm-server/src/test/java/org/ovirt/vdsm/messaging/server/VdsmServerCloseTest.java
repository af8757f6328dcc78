package org.ovirt.vdsm.messaging.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.testing.RawStompClient.Frame;

/**
 * A requested stop ({@link VdsmServer#drainAndClose()}, what SIGTERM does) first stops accepting
 * connections, then lets a call in flight finish and its answer reach the client on its open
 * connection, and only then closes connections.
 */
class VdsmServerCloseTest {

  @Test
  void callInFlightIsAnsweredBeforeTheConnectionCloses() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MethodRegistry methods = new MethodRegistry().register("Host.ping2", List.of(), params -> {
      started.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    VdsmServer server = new VdsmServer(VdsmServerConfig.plain("127.0.0.1", 0), methods);
    InetSocketAddress address = server.start();
    CompletableFuture<Void> closed;
    try (RawStompClient client = new RawStompClient(address, Duration.ofSeconds(30))) {
      client.connect("0,0").readFrame();
      String ping = "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"params\":{},\"id\":\"in-flight\"}";
      client.send("SUBSCRIBE\nid:s\ndestination:jms.topic.vdsm_responses\nack:auto\n\n\0")
          .send("SEND\ndestination:jms.topic.vdsm_requests\ncontent-length:"
              + ping.getBytes(StandardCharsets.UTF_8).length + "\n\n" + ping + "\0");
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

      closed = CompletableFuture.runAsync(server::drainAndClose);
      await().atMost(Duration.ofSeconds(30)).until(() -> refuses(address));
      assertThat(closed).isNotDone();

      release.countDown();
      Frame answer = client.readFrame();
      assertThat(answer.command()).isEqualTo("MESSAGE");
      assertThat(JsonParser.parseString(answer.bodyText()))
          .isEqualTo(JsonParser.parseString("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"in-flight\"}"));
      closed.get(30, TimeUnit.SECONDS);
      assertThat(client.isClosedByPeer()).isTrue();
    } finally {
      release.countDown();
      server.close();
    }
  }

  private static boolean refuses(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 1000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}

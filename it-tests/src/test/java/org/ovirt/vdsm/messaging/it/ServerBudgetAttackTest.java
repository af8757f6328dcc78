package org.ovirt.vdsm.messaging.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.guard.GuardSettings;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.testing.RawStompClient.Frame;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * Attacks of issue 12 on what the host holds over time and in total: frames begun and never
 * finished, partial frames from many peers at once, connection floods from one address, a peer that
 * stops reading, and, the other way round, a peer that reads big answers and must not be mistaken for
 * a slow one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerBudgetAttackTest {
  private static final Duration READ = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private TestHost host(UnaryOperator<GuardSettings> guards) throws Exception {
    return host(guards, c -> c);
  }

  private TestHost host(UnaryOperator<GuardSettings> guards, UnaryOperator<VdsmServerConfig> more) throws Exception {
    MethodRegistry methods = new MethodRegistry();
    methods.register("Host.ping2", List.of(), p -> null);
    // An answer of 3 MB: a large, legitimate result.
    methods.register("Host.bigResult", List.of(), p -> new JsonPrimitive("x".repeat(3_000_000)));
    return TestHost.start(dir, methods, c -> {
      VdsmServerConfig plain = c.withTlsMode(TlsMode.OFF);
      return more.apply(plain.withStomp(plain.stomp().withGuards(guards.apply(plain.stomp().guards()))));
    });
  }

  private static RawStompClient session(TestHost host) throws Exception {
    return session(new RawStompClient(host.address, READ));
  }

  private static RawStompClient session(RawStompClient c) throws Exception {
    assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    c.send("SUBSCRIBE\nid:r\ndestination:jms.topic.vdsm_responses\nack:auto\nreceipt:s\n\n\0");
    assertThat(c.readFrame().command()).isEqualTo("RECEIPT");
    return c;
  }

  private static String call(String method, int id) {
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":" + id + "}";
    return "SEND\ndestination:jms.topic.vdsm_requests\ncontent-length:" + body.length() + "\n\n" + body + "\0";
  }

  @Test
  void aFrameNotCompletedInTimeGetsErrorThenClose() throws Exception {
    try (TestHost host = host(g -> g.withFrameCompletionTimeout(Duration.ofMillis(300)));
        RawStompClient c = new RawStompClient(host.address, READ)) {
      assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
      c.send("SEND\ndestination:a\ncontent-length:100\n\nonly a few bytes of the body");
      Frame error = c.readFrame();
      assertThat(error.command()).isEqualTo("ERROR");
      assertThat(error.header("message")).isEqualTo("frame not completed in time");
      assertThat(error.bodyText()).isEqualTo("A frame must be complete within 300 ms of its first byte (frameCompletionTimeout).");
      assertThat(c.isClosedByPeer()).isTrue();
      await().atMost(WAIT).until(() -> host.server.budgets().partialFrameBytes() == 0);
    }
  }

  @Test
  void partialFramesFromAllPeersShareOneBudget() throws Exception {
    try (TestHost host = host(g -> g.withMemoryBudgets(256 * 1024, g.maxPendingWriteBytes()));
        RawStompClient a = new RawStompClient(host.address, READ);
        RawStompClient b = new RawStompClient(host.address, READ)) {
      String start = "SEND\ndestination:a\ncontent-length:1000000\n\n";
      byte[] part = "y".repeat(200 * 1024).getBytes(UTF_8);
      a.connect("0,0").readFrame();
      b.connect("0,0").readFrame();
      a.send(start).send(part);
      await().atMost(WAIT).until(() -> host.server.budgets().partialFrameBytes() >= 200 * 1024);
      b.send(start).send(part);
      Frame error = b.readFrame();
      assertThat(error.command()).isEqualTo("ERROR");
      assertThat(error.header("message")).isEqualTo("server busy");
      assertThat(error.bodyText()).startsWith("The host holds more than 262144 bytes of incomplete frames");
      assertThat(b.isClosedByPeer()).isTrue();
      a.close();
      await().atMost(WAIT).until(() -> host.server.budgets().partialFrameBytes() == 0);
    }
  }

  @Test
  void connectionsFromOneAddressAreBounded() throws Exception {
    try (TestHost host = host(g -> g.withConnectionLimits(100, 3))) {
      List<RawStompClient> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          open.add(session(host));
        }
        try (RawStompClient fourth = new RawStompClient(host.address, READ)) {
          fourth.connect("0,0");
          assertThat(fourth.isClosedByPeer()).isTrue();
        }
        open.remove(0).close();
        await().atMost(WAIT).until(() -> host.server.budgets().connections() == 2);
        open.add(session(host));
      } finally {
        for (RawStompClient c : open) {
          c.close();
        }
      }
    }
  }

  @Test
  void aPeerReadingLargeAnswersIsNeverCut() throws Exception {
    // Each connection may have 1 MiB waiting before broker messages are dropped; six 3 MB answers at
    // once were "slow consumer" before, for a peer reading as fast as it can.
    try (TestHost host = host(g -> g, c -> c.withStomp(c.stomp()
            .withLimits(c.stomp().limits().withMaxBodyBytes(1 << 20)).withMaxPendingWriteBytes(1 << 20)));
        RawStompClient c = session(host)) {
      StringBuilder calls = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        calls.append(call("Host.bigResult", i));
      }
      c.send(calls.toString());
      for (int i = 0; i < 6; i++) {
        Frame answer = c.readFrame();
        assertThat(answer.command()).isEqualTo("MESSAGE");
        assertThat(JsonParser.parseString(answer.bodyText()).getAsJsonObject().get("result").getAsString()).hasSize(3_000_000);
      }
    }
  }

  @Test
  void aPeerReadingAt8KilobytesASecondIsNotCutAndIsCutOnceItStops() throws Exception {
    // The host's send buffer auto-tunes to 4 MiB; epoll reports the socket writable again only after
    // a third of it drained, which at 8 KB/s takes minutes, so Netty sees no progress. The guard
    // asks the kernel whether it sent new data and got it acknowledged (native transport only;
    // with NIO such a reader is cut). The reader's small receive buffer makes its kernel open the
    // window every 0.7 s or so; with default buffers it opens it every 128 KiB read (16 s at 8 KB/s).
    assumeTrue(NettyTransport.best() == NettyTransport.EPOLL, "needs the native epoll transport");
    Duration timeout = Duration.ofSeconds(2);
    try (TestHost host = host(g -> g.withSlowReaderTimeout(timeout));
        RawStompClient slow = session(new RawStompClient(host.address, READ, 4096))) {
      StringBuilder calls = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        calls.append(call("Host.bigResult", i)); // 60 MB of answers, far past the socket buffers
      }
      slow.send(calls.toString());
      // Read at 8 KB/s until the host holds more than its socket takes (the guard is watching from
      // then on), then for eight timeouts more: a cut (a look without progress, then 5 s of grace for
      // the ERROR) would come well within them.
      long start = System.nanoTime();
      long watchedSince = 0;
      long read = 0;
      while (watchedSince == 0 || System.nanoTime() - watchedSince < timeout.multipliedBy(8).toNanos()) {
        for (int i = 0; i < 1024; i++) {
          assertThat(slow.readByte()).as("end of stream after %d bytes", read).isNotNegative();
        }
        read += 1024;
        assertThat(host.server.budgets().connections()).as("still connected after %d bytes", read).isEqualTo(1);
        if (watchedSince == 0 && host.server.budgets().pendingWriteBytes() > 8 * 1024 * 1024) {
          watchedSince = System.nanoTime();
        }
        assertThat(watchedSince != 0 || System.nanoTime() - start < WAIT.toNanos())
            .as("8 MiB of answers waiting within %s", WAIT).isTrue();
        TimeUnit.MILLISECONDS.sleep(125); // the pace of a slow reader, not a synchronisation
      }
      long stopped = System.nanoTime();
      await().atMost(WAIT).until(() -> host.server.budgets().connections() == 0);
      long cutAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
      // Two looks at most (the first may come just before it stopped), then the ERROR's grace.
      assertThat(cutAfterMs).as("cut after it stopped reading")
          .isLessThan(timeout.multipliedBy(2).plusSeconds(5 + 5).toMillis());
    }
  }

  @Test
  void aPeerThatStopsReadingIsCutAfterTheDeadline() throws Exception {
    try (TestHost host = host(g -> g.withSlowReaderTimeout(Duration.ofSeconds(1)));
        RawStompClient stalled = session(new RawStompClient(host.address, READ, 4096))) {
      StringBuilder calls = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        calls.append(call("Host.bigResult", i)); // 60 MB of answers, far past the socket buffers
      }
      stalled.send(calls.toString());
      await().atMost(WAIT).until(() -> host.server.budgets().connections() == 0);
      await().atMost(WAIT).until(() -> host.server.budgets().pendingWriteBytes() == 0);
      try (RawStompClient fresh = session(host)) {
        fresh.send(call("Host.ping2", 1));
        assertThat(fresh.readFrame().command()).isEqualTo("MESSAGE");
      }
    }
  }
}

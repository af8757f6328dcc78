package org.ovirt.vdsm.messaging.server.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.testing.RawStompClient.Frame;

/** The internal broker through STOMP: clients talking to clients, acks, transactions, limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokerSessionTest {
  private static final Duration READ = Duration.ofSeconds(10);
  private VdsmServer server;
  private InetSocketAddress address;

  private void start(VdsmServerConfig config) throws Exception {
    server = VdsmServer.withDefaultApi(config);
    address = server.start();
  }

  private void start() throws Exception {
    start(VdsmServerConfig.plain("127.0.0.1", 0).withBroker(BrokerConfig.DEFAULTS.withQueues(Set.of("jms.queue.work"))));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private RawStompClient connected() throws Exception {
    return connected(0);
  }

  private RawStompClient connected(int receiveBufferBytes) throws Exception {
    RawStompClient c = new RawStompClient(address, READ, receiveBufferBytes);
    assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    return c;
  }

  /** A receipt round trip: everything the client sent before it has been processed. */
  private static void sync(RawStompClient c, String id) throws Exception {
    c.send("SUBSCRIBE\nid:sync-" + id + "\ndestination:sync." + id + "\nreceipt:" + id + "\n\n\0");
    Frame f = c.readFrame();
    assertThat(f.command()).isEqualTo("RECEIPT");
    assertThat(f.header("receipt-id")).isEqualTo(id);
  }

  @Test
  void sendToAnotherDestinationIsBrokeredBetweenClients() throws Exception {
    start();
    try (RawStompClient a = connected(); RawStompClient b = connected()) {
      a.send("SUBSCRIBE\nid:chat\ndestination:jms.topic.chat\n\n\0");
      sync(a, "1");
      b.send("SEND\ndestination:jms.topic.chat\ncontent-type:text/plain\n\nhello a\0");
      Frame m = a.readFrame();
      assertThat(m.command()).isEqualTo("MESSAGE");
      assertThat(m.header("subscription")).isEqualTo("chat");
      assertThat(m.header("destination")).isEqualTo("jms.topic.chat");
      assertThat(m.header("content-type")).isEqualTo("text/plain");
      assertThat(m.bodyText()).isEqualTo("hello a");
    }
  }

  @Test
  void queueMessageNackedByOneClientGoesToTheOther() throws Exception {
    start();
    try (RawStompClient a = connected(); RawStompClient b = connected(); RawStompClient producer = connected()) {
      a.send("SUBSCRIBE\nid:qa\ndestination:jms.queue.work\nack:client-individual\n\n\0");
      sync(a, "a");
      producer.send("SEND\ndestination:jms.queue.work\n\njob-1\0");
      Frame first = a.readFrame();
      assertThat(first.bodyText()).isEqualTo("job-1");
      assertThat(first.header("ack")).isNotBlank();
      b.send("SUBSCRIBE\nid:qb\ndestination:jms.queue.work\nack:client-individual\n\n\0");
      sync(b, "b");
      a.send("NACK\nid:" + first.header("ack") + "\n\n\0");
      Frame again = b.readFrame();
      assertThat(again.bodyText()).isEqualTo("job-1");
      assertThat(again.header("subscription")).isEqualTo("qb");
      b.send("ACK\nid:" + again.header("ack") + "\nreceipt:acked\n\n\0");
      assertThat(b.readFrame().header("receipt-id")).isEqualTo("acked");
    }
  }

  @Test
  void transactionDeliversOnCommitAndNothingOnAbort() throws Exception {
    start();
    try (RawStompClient a = connected(); RawStompClient b = connected()) {
      a.send("SUBSCRIBE\nid:t\ndestination:jms.topic.tx\n\n\0");
      sync(a, "1");
      b.send("BEGIN\ntransaction:t1\n\n\0")
          .send("SEND\ndestination:jms.topic.tx\ntransaction:t1\n\ncommitted\0")
          .send("BEGIN\ntransaction:t2\n\n\0")
          .send("SEND\ndestination:jms.topic.tx\ntransaction:t2\n\naborted\0")
          .send("ABORT\ntransaction:t2\n\n\0")
          .send("SEND\ndestination:jms.topic.tx\n\nplain\0")
          .send("COMMIT\ntransaction:t1\nreceipt:c\n\n\0");
      assertThat(b.readFrame().header("receipt-id")).isEqualTo("c");
      assertThat(a.readFrame().bodyText()).isEqualTo("plain");
      assertThat(a.readFrame().bodyText()).isEqualTo("committed");
      sync(a, "2"); // nothing else arrived before the receipt
    }
  }

  @Test
  void unknownTransactionGetsErrorThenClose() throws Exception {
    start();
    try (RawStompClient a = connected()) {
      a.send("SEND\ndestination:jms.topic.tx\ntransaction:nope\n\nx\0");
      assertThat(a.readFrame().command()).isEqualTo("ERROR");
      assertThat(a.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void eventsReachEverySubscriberOfTheEventsQueueAndTheSubsystemTopic() throws Exception {
    start();
    try (RawStompClient engine = connected(); RawStompClient watcher = connected(); RawStompClient virt = connected()) {
      engine.send("SUBSCRIBE\nid:e\ndestination:jms.queue.events\n\n\0");
      watcher.send("SUBSCRIBE\nid:w\ndestination:jms.queue.events\n\n\0");
      virt.send("SUBSCRIBE\nid:v\ndestination:jms.topic.vdsm.virt\n\n\0");
      sync(engine, "1");
      sync(watcher, "2");
      sync(virt, "3");
      JsonObject status = new JsonObject();
      JsonObject vm = new JsonObject();
      vm.addProperty("status", "Up");
      status.add("vm-1", vm);
      server.events().publish("virt", "VM_status", "vm-1", status);
      for (RawStompClient c : new RawStompClient[] {engine, watcher, virt}) {
        JsonObject event = JsonParser.parseString(c.readFrame().bodyText()).getAsJsonObject();
        assertThat(event.has("id")).as("a notification has no id").isFalse();
        assertThat(event.get("method").getAsString()).isEqualTo("|virt|VM_status|vm-1");
        JsonObject params = event.getAsJsonObject("params");
        assertThat(params.getAsJsonObject("vm-1").get("status").getAsString()).isEqualTo("Up");
        assertThat(params.get("notify_time").getAsLong()).isPositive();
      }
    }
  }

  @Test
  void clientThatStopsReadingIsDisconnectedAndTheHostCarriesOn() throws Exception {
    StompDecoderLimits small = StompDecoderLimits.DEFAULTS.withMaxBodyBytes(64 * 1024);
    org.ovirt.vdsm.messaging.server.StompSettings stomp = org.ovirt.vdsm.messaging.server.StompSettings.DEFAULTS
        .withLimits(small).withMaxPendingWriteBytes(256 * 1024);
    start(VdsmServerConfig.plain("127.0.0.1", 0)
        .withStomp(stomp.withGuards(stomp.guards().withSlowReaderTimeout(java.time.Duration.ofSeconds(1)))));
    try (RawStompClient slow = connected(16 * 1024); RawStompClient fast = connected()) {
      slow.send("SUBSCRIBE\nid:s\ndestination:jms.topic.flood\n\n\0");
      sync(slow, "1");
      String payload = "x".repeat(60 * 1024);
      // Bounded flood: 400 x 60 KiB, far beyond socket buffers plus the 256 KiB limit: past it the
      // messages to the slow subscriber are dropped, and it is cut for not reading, not for the bytes.
      for (int i = 0; i < 400; i++) {
        fast.send("SEND\ndestination:jms.topic.flood\n\n" + payload + "\0");
      }
      sync(fast, "still-served");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> server.budgets().connections() == 1);
      boolean closed = false;
      for (int i = 0; i < 1000 && !closed; i++) {
        try {
          Frame f = slow.readFrame();
          if (f.command().equals("ERROR")) {
            assertThat(f.header("message")).isEqualTo("slow consumer");
          }
        } catch (java.net.SocketTimeoutException e) {
          throw new AssertionError("the connection of the slow reader is still open", e);
        } catch (java.io.IOException e) {
          closed = true; // closed by the peer (the ERROR may not fit in the full socket)
        }
      }
      assertThat(closed).isTrue();
      sync(fast, "served-after");
    }
  }
}

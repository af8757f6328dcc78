package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.testing.RawStompClient.Frame;

/**
 * Phase 3: the host's broker over mutual TLS. Two engine connections share topics and a queue:
 * fan-out versus round robin, acknowledgements and redelivery, receipts; one connection serves
 * both the VDS and the IRS request destinations.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Phase3BrokerTest {
  private static final Duration READ = Duration.ofSeconds(15);
  private static final String QUEUE = "jms.queue.phase3";

  @TempDir static Path dir;
  static TestHost host;
  static SSLSocketFactory tls;

  @BeforeAll
  static void start() throws Exception {
    host = TestHost.start(dir, c -> c.withBroker(BrokerConfig.DEFAULTS.withQueues(Set.of(QUEUE))));
    tls = host.engineSslContext().getSocketFactory();
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  private static RawStompClient engine() throws Exception {
    RawStompClient c = new RawStompClient(tls, host.address, READ);
    assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    return c;
  }

  private static void subscribe(RawStompClient c, String id, String destination, String ack) throws Exception {
    c.send("SUBSCRIBE\nid:" + id + "\ndestination:" + destination + "\nack:" + ack + "\nreceipt:r-" + id + "\n\n\0");
    Frame receipt = c.readFrame();
    assertThat(receipt.command()).isEqualTo("RECEIPT");
    assertThat(receipt.header("receipt-id")).isEqualTo("r-" + id);
  }

  @Test
  void topicFansOutToBothEngines() throws Exception {
    try (RawStompClient a = engine(); RawStompClient b = engine(); RawStompClient sender = engine()) {
      subscribe(a, "t", "jms.topic.phase3", "auto");
      subscribe(b, "t", "jms.topic.phase3", "auto");
      sender.send("SEND\ndestination:jms.topic.phase3\nreceipt:sent\n\nto everyone\0");
      assertThat(sender.readFrame().header("receipt-id")).isEqualTo("sent");
      assertThat(a.readFrame().bodyText()).isEqualTo("to everyone");
      assertThat(b.readFrame().bodyText()).isEqualTo("to everyone");
    }
  }

  @Test
  void queueGivesEachMessageToOneEngineRoundRobinAndRedeliversWhatIsNotAcknowledged() throws Exception {
    try (RawStompClient a = engine(); RawStompClient b = engine(); RawStompClient sender = engine()) {
      subscribe(a, "q", QUEUE, "client-individual");
      subscribe(b, "q", QUEUE, "client-individual");
      for (int i = 0; i < 4; i++) {
        sender.send("SEND\ndestination:" + QUEUE + "\n\njob-" + i + "\0");
      }
      Frame a1 = a.readFrame();
      Frame a2 = a.readFrame();
      Frame b1 = b.readFrame();
      Frame b2 = b.readFrame();
      assertThat(Set.of(a1.bodyText(), a2.bodyText(), b1.bodyText(), b2.bodyText()))
          .containsExactlyInAnyOrder("job-0", "job-1", "job-2", "job-3");
      assertThat(a1.bodyText()).isEqualTo("job-0");
      assertThat(b1.bodyText()).isEqualTo("job-1");

      a.send("ACK\nid:" + a1.header("ack") + "\nreceipt:ack-a\n\n\0");
      assertThat(a.readFrame().header("receipt-id")).isEqualTo("ack-a");
      b.send("NACK\nid:" + b1.header("ack") + "\n\n\0");
      Frame redelivered = a.readFrame();
      assertThat(redelivered.bodyText()).isEqualTo("job-1");

      // b goes away without acknowledging job-3: a gets it.
      b.close();
      Frame fromGone = a.readFrame();
      assertThat(fromGone.bodyText()).isEqualTo(b2.bodyText());
    }
  }

  @Test
  void oneConnectionServesBothVdsAndIrsRequestDestinations() throws Exception {
    try (RawStompClient engine = engine()) {
      subscribe(engine, "vds", "jms.topic.vdsm_responses", "auto");
      subscribe(engine, "irs", "jms.topic.vdsm_irs_responses", "auto");
      String vds = "{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":{\"message\":\"vds\"},\"id\":\"1\"}";
      String irs = "{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":{\"message\":\"irs\"},\"id\":\"1\"}";
      engine.send("SEND\ndestination:jms.topic.vdsm_requests\nreply-to:jms.topic.vdsm_responses\n\n" + vds + "\0");
      engine.send("SEND\ndestination:jms.topic.vdsm_irs_requests\nreply-to:jms.topic.vdsm_irs_responses\n\n" + irs + "\0");
      for (int i = 0; i < 2; i++) {
        Frame answer = engine.readFrame();
        JsonObject body = JsonParser.parseString(answer.bodyText()).getAsJsonObject();
        String side = answer.header("subscription");
        assertThat(body.get("result").getAsString()).isEqualTo(side);
        assertThat(answer.header("destination")).isEqualTo(
            side.equals("vds") ? "jms.topic.vdsm_responses" : "jms.topic.vdsm_irs_responses");
      }
    }
  }
}

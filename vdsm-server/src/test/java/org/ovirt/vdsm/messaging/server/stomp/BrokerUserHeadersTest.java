package org.ovirt.vdsm.messaging.server.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.broker.BrokerConfig;
import org.ovirt.vdsm.messaging.testing.RawStompClient;

/**
 * The internal broker passes the sender's own headers from SEND to MESSAGE (issue 10.2), byte for
 * byte on the wire, on topics and queues, except the headers the server owns.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokerUserHeadersTest {
  private static final Duration READ = Duration.ofSeconds(10);
  private static final Pattern MESSAGE_ID = Pattern.compile("\nmessage-id:([^\n]*)\n");
  private VdsmServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    server = VdsmServer.withDefaultApi(
        VdsmServerConfig.plain("127.0.0.1", 0).withBroker(BrokerConfig.DEFAULTS.withQueues(Set.of("jms.queue.work"))));
    address = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawStompClient connected() throws Exception {
    RawStompClient c = new RawStompClient(address, READ);
    assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    return c;
  }

  private static void subscribe(RawStompClient c, String headers) throws Exception {
    c.send("SUBSCRIBE\n" + headers + "receipt:sub\n\n\0");
    assertThat(c.readFrame().header("receipt-id")).isEqualTo("sub");
  }

  /** The next frame exactly as it came over the wire (heart-beat EOLs before it skipped). */
  private static String rawFrame(RawStompClient c) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b = c.readByte();
    while (b == '\n') {
      b = c.readByte();
    }
    for (; b != 0; b = c.readByte()) {
      if (b == -1) {
        throw new IOException("closed inside a frame");
      }
      bytes.write(b);
    }
    return bytes.toString(StandardCharsets.UTF_8) + "\0";
  }

  private static String messageId(String frame) {
    Matcher m = MESSAGE_ID.matcher(frame);
    assertThat(m.find()).as("message-id in %s", frame).isTrue();
    return m.group(1);
  }

  @Test
  void aTopicMessageCarriesTheSendersHeadersWithTheirEscapesAndFirstValues() throws Exception {
    try (RawStompClient sub = connected(); RawStompClient sender = connected()) {
      subscribe(sub, "id:chat\ndestination:jms.topic.chat\n");
      sender.send("SEND\ndestination:jms.topic.chat\nnote:a\\cb\nflow:x\\\\y\\nz\nreceipt:sent\ncontent-type:text/plain\n"
          + "ovirtCorrelationId:flow-1\nnote:second\nmessage-id:forged\nsubscription:forged\nack:forged\n"
          + "content-length:5\nemoji:\u00e9\u2603\n\nhello\0");
      assertThat(sender.readFrame().header("receipt-id")).isEqualTo("sent");
      String frame = rawFrame(sub);
      assertThat(frame).isEqualTo("MESSAGE\ndestination:jms.topic.chat\nsubscription:chat\nmessage-id:" + messageId(frame)
          + "\ncontent-type:text/plain\nnote:a\\cb\nflow:x\\\\y\\nz\novirtCorrelationId:flow-1\nemoji:\u00e9\u2603\n"
          + "content-length:5\n\nhello\0");
      assertThat(messageId(frame)).isNotEqualTo("forged");
    }
  }

  @Test
  void aQueueMessageCarriesTheSendersHeadersAfterTheAckHeader() throws Exception {
    try (RawStompClient worker = connected(); RawStompClient producer = connected()) {
      producer.send("SEND\ndestination:jms.queue.work\ntraceparent:00-abc-def-01\nnote:a\\cb\nreceipt:queued\n\njob\0");
      assertThat(producer.readFrame().header("receipt-id")).isEqualTo("queued");
      // The waiting message is delivered as soon as the subscription exists.
      worker.send("SUBSCRIBE\nid:w\ndestination:jms.queue.work\nack:client-individual\n\n\0");
      String frame = rawFrame(worker);
      Matcher ack = Pattern.compile("\nack:([^\n]*)\n").matcher(frame);
      assertThat(ack.find()).isTrue();
      assertThat(frame).isEqualTo("MESSAGE\ndestination:jms.queue.work\nsubscription:w\nmessage-id:" + messageId(frame)
          + "\nack:" + ack.group(1) + "\ntraceparent:00-abc-def-01\nnote:a\\cb\ncontent-length:3\n\njob\0");
    }
  }

  @Test
  void aTransactionalSendLosesOnlyItsTransactionHeader() throws Exception {
    try (RawStompClient sub = connected(); RawStompClient sender = connected()) {
      subscribe(sub, "id:tx\ndestination:jms.topic.tx\n");
      sender.send("BEGIN\ntransaction:t1\n\n\0")
          .send("SEND\ndestination:jms.topic.tx\ntransaction:t1\nnote:in-tx\n\nbody\0")
          .send("COMMIT\ntransaction:t1\nreceipt:c\n\n\0");
      assertThat(sender.readFrame().header("receipt-id")).isEqualTo("c");
      String frame = rawFrame(sub);
      assertThat(frame).isEqualTo("MESSAGE\ndestination:jms.topic.tx\nsubscription:tx\nmessage-id:" + messageId(frame)
          + "\nnote:in-tx\ncontent-length:4\n\nbody\0");
    }
  }
}

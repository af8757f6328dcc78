package org.ovirt.vdsm.messaging.server.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.server.broker.BrokerTest.Recorder;
import org.ovirt.vdsm.messaging.server.testing.LogCapture;

/**
 * Acknowledgement state as a plain object ({@link Subscription#settle}, {@link
 * Subscription#drainUnacked}), acknowledgements on topics, and the warnings a dropped message
 * leaves in the log (a full queue, a subscriber at its unacknowledged limit).
 */
class BrokerAckStateTest {
  private final Recorder a = new Recorder("a");

  private static Message message(String id) {
    return new Message(id, "d", null, id.getBytes(UTF_8));
  }

  private static Subscription holding(AckMode mode, String... ackIds) {
    Subscription s = new Subscription(new Recorder("s"), "1", "d", mode);
    for (String id : ackIds) {
      s.delivered(id, message("m-" + id));
    }
    return s;
  }

  private static List<String> ids(List<Message> messages) {
    return messages.stream().map(Message::messageId).toList();
  }

  @Test
  void clientSettlesTheMessageAndEveryEarlierOneAndLeavesTheLaterOnes() {
    Subscription s = holding(AckMode.CLIENT, "a1", "a2", "a3");
    assertThat(ids(s.settle("a2"))).containsExactly("m-a1", "m-a2");
    assertThat(s.unackedCount()).isEqualTo(1);
    assertThat(s.holds("a3")).isTrue();
    assertThat(s.holds("a1")).isFalse();
  }

  @Test
  void clientIndividualSettlesThatMessageOnly() {
    Subscription s = holding(AckMode.CLIENT_INDIVIDUAL, "a1", "a2", "a3");
    assertThat(ids(s.settle("a2"))).containsExactly("m-a2");
    assertThat(s.unackedCount()).isEqualTo(2);
    assertThat(s.holds("a1")).isTrue();
    assertThat(s.holds("a3")).isTrue();
  }

  @Test
  void anIdTheSubscriptionDoesNotHoldSettlesNothingInEitherMode() {
    for (AckMode mode : List.of(AckMode.CLIENT, AckMode.CLIENT_INDIVIDUAL)) {
      Subscription s = holding(mode, "a1", "a2");
      assertThat(s.settle("a9")).as("%s", mode).isEmpty();
      assertThat(s.unackedCount()).as("%s", mode).isEqualTo(2);
    }
  }

  @Test
  void drainingGivesEveryUnacknowledgedMessageInDeliveryOrderAndKeepsNone() {
    Subscription s = holding(AckMode.CLIENT, "a2", "a1", "a3");
    assertThat(ids(s.drainUnacked())).containsExactly("m-a2", "m-a1", "m-a3");
    assertThat(s.unackedCount()).isZero();
    assertThat(s.holds("a1")).isFalse();
    assertThat(s.drainUnacked()).isEmpty();
  }

  @Test
  void anAckOnATopicFreesRoomForTheNextMessage() {
    Broker broker = new Broker(new BrokerConfig(Set.of(), 10, 1));
    broker.subscribe(a, "1", "t", AckMode.CLIENT);
    assertThat(broker.publish("t", null, "1".getBytes(UTF_8))).isEqualTo(1);
    assertThat(broker.publish("t", null, "2".getBytes(UTF_8))).as("at its limit of 1").isZero();
    assertThat(broker.ack(a, a.lastAckId())).isTrue();
    assertThat(broker.publish("t", null, "3".getBytes(UTF_8))).isEqualTo(1);
    assertThat(a.bodies()).containsExactly("1", "3");
  }

  @Test
  void aMessageDroppedByAFullQueueIsLogged() {
    Broker broker = new Broker(new BrokerConfig(Set.of("work.queue"), 1, 1));
    broker.publish("work.queue", null, new byte[] {1});
    try (LogCapture log = new LogCapture(Broker.class, Level.WARN)) {
      log.repeatUntilLogged(() -> assertThat(broker.publish("work.queue", null, new byte[] {2})).isZero(),
          Level.WARN, "queue work.queue is full (1 messages waiting): dropping a message");
    }
  }

  @Test
  void aMessageSkippedForASubscriberAtItsLimitIsLogged() {
    Broker broker = new Broker(new BrokerConfig(Set.of(), 10, 1));
    broker.subscribe(a, "1", "t.x", AckMode.CLIENT_INDIVIDUAL);
    broker.publish("t.x", null, new byte[] {1});
    try (LogCapture log = new LogCapture(Broker.class, Level.WARN)) {
      log.repeatUntilLogged(() -> assertThat(broker.publish("t.x", null, new byte[] {2})).isZero(),
          Level.WARN, "a/1->t.x(client-individual) has 1 unacknowledged messages: skipping a message on t.x");
    }
  }
}

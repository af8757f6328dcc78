package org.ovirt.vdsm.messaging.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokerTest {

  /** Records what the broker delivers to it. */
  static final class Recorder implements BrokerSession {
    record Delivery(String subscription, String body, String ackId) {}

    final String name;
    final List<Delivery> got = new ArrayList<>();

    Recorder(String name) {
      this.name = name;
    }

    @Override
    public void deliver(Subscription s, Message m, String ackId) {
      got.add(new Delivery(s.id(), new String(m.body(), StandardCharsets.UTF_8), ackId));
    }

    @Override
    public String name() {
      return name;
    }

    List<String> bodies() {
      return got.stream().map(Delivery::body).toList();
    }

    String lastAckId() {
      return got.get(got.size() - 1).ackId();
    }
  }

  private final Broker broker = new Broker(new BrokerConfig(Set.of("work.queue"), 3, 2));
  private final Recorder a = new Recorder("a");
  private final Recorder b = new Recorder("b");

  private void send(String destination, String body) {
    broker.publish(destination, "text/plain", body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void topicFansOutToEverySubscriberAndToAncestors() {
    broker.subscribe(a, "1", "jms.topic.vdsm_requests", AckMode.AUTO);
    broker.subscribe(b, "1", "jms.topic", AckMode.AUTO);
    Recorder sibling = new Recorder("sibling");
    broker.subscribe(sibling, "1", "jms.top", AckMode.AUTO);
    send("jms.topic.vdsm_requests", "hello");
    assertThat(a.bodies()).containsExactly("hello");
    assertThat(b.bodies()).containsExactly("hello");
    assertThat(sibling.bodies()).isEmpty();
  }

  @Test
  void defaultDestinationsAreTopicsEvenNamedQueue() {
    broker.subscribe(a, "1", "jms.queue.events", AckMode.AUTO);
    broker.subscribe(b, "1", "jms.queue.events", AckMode.AUTO);
    send("jms.queue.events", "event");
    assertThat(a.bodies()).containsExactly("event");
    assertThat(b.bodies()).containsExactly("event");
  }

  @Test
  void topicSubscribersListsOnlyThatTopicsOwnSubscriptionsUntilTheyEnd() {
    Subscription own = broker.subscribe(a, "1", "jms.queue.events", AckMode.AUTO);
    broker.subscribe(b, "1", "jms.queue", AckMode.AUTO);
    broker.subscribe(b, "2", "work.queue", AckMode.AUTO);
    assertThat(broker.topicSubscribers("jms.queue.events")).containsExactly(own);
    assertThat(broker.topicSubscribers("work.queue")).isEmpty();
    assertThat(broker.topicSubscribers("nobody.here")).isEmpty();
    broker.disconnected(a);
    assertThat(broker.topicSubscribers("jms.queue.events")).isEmpty();
  }

  @Test
  void queueDeliversEachMessageToOneSubscriberRoundRobin() {
    broker.subscribe(a, "1", "work.queue", AckMode.AUTO);
    broker.subscribe(b, "1", "work.queue", AckMode.AUTO);
    for (int i = 0; i < 4; i++) {
      send("work.queue", "m" + i);
    }
    assertThat(a.bodies()).containsExactly("m0", "m2");
    assertThat(b.bodies()).containsExactly("m1", "m3");
  }

  @Test
  void queueKeepsMessagesUntilSomebodySubscribesAndIsBounded() {
    for (int i = 0; i < 5; i++) {
      send("work.queue", "m" + i);
    }
    assertThat(broker.droppedCount()).isEqualTo(2);
    broker.subscribe(a, "1", "work.queue", AckMode.AUTO);
    assertThat(a.bodies()).containsExactly("m0", "m1", "m2");
  }

  @Test
  void nackedQueueMessageGoesToAnotherSubscriber() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT_INDIVIDUAL);
    send("work.queue", "job");
    broker.subscribe(b, "1", "work.queue", AckMode.CLIENT_INDIVIDUAL);
    assertThat(a.lastAckId()).isNotNull();
    assertThat(broker.nack(a, a.lastAckId())).isTrue();
    assertThat(a.bodies().size() + b.bodies().size()).isEqualTo(2);
    assertThat(b.bodies()).containsExactly("job");
  }

  @Test
  void unackedQueueMessagesAreRedeliveredWhenTheirSubscriberDisconnects() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT);
    send("work.queue", "x");
    send("work.queue", "y");
    broker.subscribe(b, "1", "work.queue", AckMode.AUTO);
    broker.disconnected(a);
    assertThat(b.bodies()).containsExactly("x", "y");
  }

  @Test
  void clientAckIsCumulativeAndClientIndividualIsNot() {
    broker.subscribe(a, "c", "work.queue", AckMode.CLIENT);
    send("work.queue", "1");
    send("work.queue", "2");
    String second = a.lastAckId();
    assertThat(broker.ack(a, second)).isTrue();
    // Both settled: an unsubscribe has nothing to give back.
    broker.subscribe(b, "1", "work.queue", AckMode.AUTO);
    broker.unsubscribe(a, "c");
    assertThat(b.bodies()).isEmpty();

    Recorder c = new Recorder("c");
    broker.subscribe(c, "i", "work.queue", AckMode.CLIENT_INDIVIDUAL);
    broker.unsubscribe(b, "1");
    send("work.queue", "3");
    send("work.queue", "4");
    assertThat(broker.ack(c, c.lastAckId())).isTrue(); // only "4"
    Recorder d = new Recorder("d");
    broker.subscribe(d, "1", "work.queue", AckMode.AUTO);
    broker.unsubscribe(c, "i");
    assertThat(d.bodies()).containsExactly("3");
  }

  @Test
  void subscriberAtItsUnackedLimitGetsNoMoreUntilItAcks() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT_INDIVIDUAL);
    send("work.queue", "1");
    send("work.queue", "2");
    send("work.queue", "3");
    assertThat(a.bodies()).containsExactly("1", "2");
    broker.ack(a, a.got.get(0).ackId());
    assertThat(a.bodies()).containsExactly("1", "2", "3");
  }

  @Test
  void unknownAckIdSettlesNothing() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT);
    assertThat(broker.ack(a, "no-such")).isFalse();
    assertThat(broker.nack(b, "no-such")).isFalse();
  }

  @Test
  void duplicateSubscriptionIdOnOneSessionIsRefused() {
    broker.subscribe(a, "dup", "x", AckMode.AUTO);
    broker.subscribe(b, "dup", "x", AckMode.AUTO); // another session may reuse it
    assertThatThrownBy(() -> broker.subscribe(a, "dup", "y", AckMode.AUTO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dup");
  }

  @Test
  void disconnectedSessionLeavesNothingBehind() {
    broker.subscribe(a, "1", "t.one", AckMode.AUTO);
    broker.subscribe(a, "2", "work.queue", AckMode.CLIENT);
    broker.disconnected(a);
    assertThat(broker.sessionCount()).isZero();
    send("t.one", "after");
    assertThat(a.bodies()).isEmpty();
  }
}

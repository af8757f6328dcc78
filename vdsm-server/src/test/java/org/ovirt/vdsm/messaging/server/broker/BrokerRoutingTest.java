package org.ovirt.vdsm.messaging.server.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.server.broker.BrokerTest.Recorder;

/**
 * The broker's counts and edges: what {@code publish} returns, how many names routing looks up,
 * the queue that keeps messages after its last subscriber left, NACK order, the state queries, and
 * the name rules ({@link Destinations#covers}, {@link AckMode#parse}).
 */
class BrokerRoutingTest {
  private final Broker broker = new Broker(new BrokerConfig(Set.of("work.queue"), 3, 2));
  private final Recorder a = new Recorder("a");
  private final Recorder b = new Recorder("b");

  private int send(String destination, String body) {
    return broker.publish(destination, "text/plain", body.getBytes(UTF_8));
  }

  @Test
  void publishToATopicCountsItsDeliveriesAndLooksUpEachAncestorOnce() {
    broker.subscribe(a, "1", "x.y.z", AckMode.AUTO);
    broker.subscribe(b, "1", "x", AckMode.AUTO);
    broker.subscribe(b, "2", "x.y.z", AckMode.AUTO);
    assertThat(broker.routingLookups()).isZero();
    assertThat(send("x.y.z", "m")).isEqualTo(3);
    assertThat(broker.routingLookups()).as("x.y.z, x.y, x").isEqualTo(3);
    assertThat(send("other", "m")).isZero();
    assertThat(broker.routingLookups()).isEqualTo(4);
  }

  @Test
  void eachDeliveryNamesTheSubscriptionItIsFor() {
    Subscription parent = broker.subscribe(a, "sub-parent", "x", AckMode.AUTO);
    Subscription child = broker.subscribe(a, "sub-child", "x.y", AckMode.AUTO);
    assertThat(parent.id()).isEqualTo("sub-parent");
    assertThat(child.destination()).isEqualTo("x.y");
    assertThat(child.ackMode()).isEqualTo(AckMode.AUTO);
    send("x.y", "m");
    assertThat(a.got).extracting(BrokerTest.Recorder.Delivery::subscription)
        .containsExactlyInAnyOrder("sub-parent", "sub-child");
  }

  @Test
  void aLeadingDotIsNoEmptyAncestor() {
    broker.subscribe(a, "1", "", AckMode.AUTO);
    broker.subscribe(b, "1", ".x", AckMode.AUTO);
    assertThat(send(".x", "m")).isEqualTo(1);
    assertThat(a.bodies()).isEmpty();
    assertThat(b.bodies()).containsExactly("m");
    assertThat(send("", "e")).isEqualTo(1);
    assertThat(a.bodies()).containsExactly("e");
  }

  @Test
  void aTopicSubscriberAtItsUnackedLimitIsSkippedAndCountedAsDropped() {
    broker.subscribe(a, "1", "t", AckMode.CLIENT);
    broker.subscribe(b, "1", "t", AckMode.AUTO);
    assertThat(send("t", "1")).isEqualTo(2);
    assertThat(send("t", "2")).isEqualTo(2);
    assertThat(broker.droppedCount()).isZero();
    assertThat(send("t", "3")).as("a holds 2 unacknowledged, its limit").isEqualTo(1);
    assertThat(broker.droppedCount()).isEqualTo(1);
    assertThat(a.bodies()).containsExactly("1", "2");
    assertThat(b.bodies()).containsExactly("1", "2", "3");
    assertThat(a.got).extracting(BrokerTest.Recorder.Delivery::ackId).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(b.got).extracting(BrokerTest.Recorder.Delivery::ackId).containsOnlyNulls();
  }

  @Test
  void publishToAQueueCountsWhatWasHandedOutAndAFullQueueNothing() {
    assertThat(send("work.queue", "1")).as("kept for later").isZero();
    assertThat(broker.queueDepth("work.queue")).isEqualTo(1);
    broker.subscribe(a, "1", "work.queue", AckMode.AUTO);
    assertThat(broker.queueDepth("work.queue")).isZero();
    assertThat(send("work.queue", "2")).isEqualTo(1);
    assertThat(broker.queueDepth("t")).as("a topic has no depth").isZero();
  }

  @Test
  void aQueueIsFullAtExactlyItsBound() {
    for (int i = 0; i < 3; i++) {
      send("work.queue", "m" + i);
    }
    assertThat(broker.queueDepth("work.queue")).isEqualTo(3);
    assertThat(broker.droppedCount()).isZero();
    assertThat(send("work.queue", "over")).isZero();
    assertThat(broker.droppedCount()).isEqualTo(1);
    assertThat(broker.queueDepth("work.queue")).isEqualTo(3);
  }

  @Test
  void aQueueKeepsWhatItsLastSubscriberLeftUnacknowledged() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT_INDIVIDUAL);
    send("work.queue", "x");
    send("work.queue", "y");
    assertThat(broker.queueDepth("work.queue")).isZero();
    assertThat(broker.unsubscribe(a, "1")).isTrue();
    assertThat(broker.queueDepth("work.queue")).as("given back, in order").isEqualTo(2);
    broker.subscribe(b, "1", "work.queue", AckMode.AUTO);
    assertThat(b.bodies()).containsExactly("x", "y");
    assertThat(broker.unsubscribe(b, "1")).isTrue();
    assertThat(broker.queueDepth("work.queue")).isZero();
  }

  @Test
  void aNackWithNobodyElseGoesBackToTheSameSubscriberInOrder() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT);
    send("work.queue", "x");
    send("work.queue", "y");
    send("work.queue", "z"); // waits: a is at its limit of 2
    assertThat(broker.queueDepth("work.queue")).isEqualTo(1);
    assertThat(broker.nack(a, a.lastAckId())).as("cumulative: x and y").isTrue();
    assertThat(a.bodies()).containsExactly("x", "y", "x", "y");
    assertThat(broker.queueDepth("work.queue")).isEqualTo(1);
  }

  @Test
  void aNackGoesToAnotherSubscriberWithRoomBeforeTheQueue() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT_INDIVIDUAL);
    send("work.queue", "x");
    broker.subscribe(b, "1", "work.queue", AckMode.CLIENT_INDIVIDUAL);
    send("work.queue", "y"); // round robin goes on from where it was: a
    send("work.queue", "z"); // b
    assertThat(a.bodies()).containsExactly("x", "y");
    assertThat(b.bodies()).containsExactly("z");
    assertThat(broker.nack(a, a.got.get(0).ackId())).as("client-individual: x only").isTrue();
    assertThat(b.bodies()).containsExactly("z", "x");
    assertThat(a.bodies()).containsExactly("x", "y");
    assertThat(broker.queueDepth("work.queue")).isZero();
  }

  @Test
  void aTopicNackDropsTheMessage() {
    broker.subscribe(a, "1", "t", AckMode.CLIENT_INDIVIDUAL);
    broker.subscribe(b, "1", "t", AckMode.CLIENT_INDIVIDUAL);
    send("t", "x");
    assertThat(broker.nack(a, a.lastAckId())).isTrue();
    assertThat(a.bodies()).containsExactly("x");
    assertThat(b.bodies()).containsExactly("x");
    assertThat(broker.ack(a, a.lastAckId())).as("settled by the nack").isFalse();
  }

  @Test
  void anAckIdOfAnotherSessionIsUnknown() {
    broker.subscribe(a, "1", "work.queue", AckMode.CLIENT);
    broker.subscribe(b, "1", "t", AckMode.AUTO);
    send("work.queue", "x");
    assertThat(broker.ack(b, a.lastAckId())).isFalse();
    assertThat(broker.nack(b, a.lastAckId())).isFalse();
    assertThat(broker.ack(a, a.lastAckId())).isTrue();
    assertThat(broker.ack(a, a.lastAckId())).as("once").isFalse();
  }

  @Test
  void stateQueriesSeeEverySessionAndSubscription() {
    assertThat(broker.subscriptions(a)).isEmpty();
    assertThat(broker.find(a, "1")).isNull();
    assertThat(broker.unsubscribe(a, "1")).as("a session without subscriptions").isFalse();
    Subscription s1 = broker.subscribe(a, "1", "t", AckMode.AUTO);
    Subscription s2 = broker.subscribe(a, "2", "work.queue", AckMode.CLIENT);
    broker.subscribe(b, "1", "t", AckMode.AUTO);
    assertThat(broker.subscriptionCount()).isEqualTo(3);
    assertThat(broker.sessionCount()).isEqualTo(2);
    assertThat(broker.subscriptions(a)).containsExactly(s1, s2);
    assertThat(broker.find(a, "2")).isSameAs(s2);
    assertThat(broker.find(a, "3")).isNull();
    assertThat(broker.unsubscribe(a, "3")).isFalse();
    assertThat(broker.isQueue("work.queue")).isTrue();
    assertThat(broker.isQueue("t")).isFalse();
    assertThat(s2.toString()).isEqualTo("a/2->work.queue(client)");
    assertThat(s2.session()).isSameAs(a);
    broker.disconnected(a);
    broker.disconnected(a);
    assertThat(broker.subscriptionCount()).isEqualTo(1);
    assertThat(broker.sessionCount()).isEqualTo(1);
  }

  @Test
  void destinationBoundsAreInclusive() {
    Broker small = new Broker(BrokerConfig.DEFAULTS.withDestinationBounds(5, 3));
    assertThat(small.destinationProblem("a.b.c")).isEmpty();
    assertThat(small.destinationProblem("a.b.cd")).hasValue("A destination may have at most 5 characters.");
    assertThat(small.destinationProblem("..")).isEmpty();
    assertThat(small.destinationProblem("...")).hasValue("A destination may have at most 3 dot-separated parts.");
  }

  @Test
  void configRefusesEveryBoundBelowOne() {
    assertThat(new BrokerConfig(Set.of(), 1, 1, 1, 1, 1).maxPendingPerQueue()).isEqualTo(1);
    assertThatThrownBy(() -> new BrokerConfig(Set.of(), 0, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BrokerConfig(Set.of(), 1, 0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BrokerConfig(Set.of(), 1, 1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BrokerConfig(Set.of(), 1, 1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BrokerConfig(Set.of(), 1, 1, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    BrokerConfig c = BrokerConfig.DEFAULTS.withQueues(Set.of("q")).withDestinationBounds(7, 2).withMaxSubscriptionsPerSession(9);
    assertThat(c).isEqualTo(new BrokerConfig(Set.of("q"), 10_000, 1_000, 7, 2, 9));
  }

  @Test
  void coversTheSameNameAndDotSeparatedAncestorsOnly() {
    assertThat(Destinations.covers("jms.topic", "jms.topic")).isTrue();
    assertThat(Destinations.covers("jms.topic", "jms.topic.vdsm_requests")).isTrue();
    assertThat(Destinations.covers("jms.top", "jms.topic")).isFalse();
    assertThat(Destinations.covers("jms.topic", "jms.topicx")).isFalse();
    assertThat(Destinations.covers("jms.topic.x", "jms.topic")).as("a descendant does not cover").isFalse();
    assertThat(Destinations.covers("jms", "jms.")).isTrue();
  }

  @Test
  void ackHeaderValues() {
    assertThat(AckMode.parse(null)).hasValue(AckMode.AUTO);
    assertThat(AckMode.parse("auto")).hasValue(AckMode.AUTO);
    assertThat(AckMode.parse("client")).hasValue(AckMode.CLIENT);
    assertThat(AckMode.parse("client-individual")).hasValue(AckMode.CLIENT_INDIVIDUAL);
    assertThat(AckMode.parse("Client")).as("values are case sensitive").isEqualTo(Optional.empty());
    assertThat(AckMode.CLIENT_INDIVIDUAL.header()).isEqualTo("client-individual");
  }

  @Test
  void userHeadersAreCarriedOnEveryDelivery() {
    List<Message> seen = new java.util.ArrayList<>();
    BrokerSession s = new BrokerSession() {
      @Override
      public void deliver(Subscription subscription, Message message, String ackId) {
        seen.add(message);
      }

      @Override
      public String name() {
        return "s";
      }
    };
    broker.subscribe(s, "1", "t", AckMode.AUTO);
    broker.publish("t", "application/json", new byte[] {1}, List.of(Map.entry("k", "v")));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).headers()).containsExactly(Map.entry("k", "v"));
    assertThat(seen.get(0).contentType()).isEqualTo("application/json");
    assertThat(seen.get(0).destination()).isEqualTo("t");
    assertThat(seen.get(0).messageId()).isEqualTo("m-1");
  }
}

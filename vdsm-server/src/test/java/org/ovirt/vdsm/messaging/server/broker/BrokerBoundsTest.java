package org.ovirt.vdsm.messaging.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The broker's per-operation bounds: destination length and depth (so routing a SEND costs at most
 * depth look-ups of bounded names) and subscriptions per connection; and ending one subscription
 * among very many costs O(1), not a scan.
 */
class BrokerBoundsTest {
  private final Broker broker = new Broker(BrokerConfig.DEFAULTS.withDestinationBounds(64, 4).withMaxSubscriptionsPerSession(3));
  private final BrokerTest.Recorder a = new BrokerTest.Recorder("a");

  private static String parts(int n) {
    return String.join(".", java.util.Collections.nCopies(n, "p"));
  }

  @Test
  void destinationsWithinTheBoundsPass() {
    assertThat(broker.destinationProblem(parts(4))).isEmpty();
    assertThat(broker.destinationProblem("x".repeat(64))).isEmpty();
  }

  @Test
  void tooManyPartsAreRefusedNamingTheBound() {
    assertThat(broker.destinationProblem(parts(5)))
        .hasValue("A destination may have at most 4 dot-separated parts.");
    assertThatThrownBy(() -> broker.publish(parts(5), null, new byte[0]))
        .isInstanceOf(BrokerLimitException.class).hasMessage("A destination may have at most 4 dot-separated parts.");
    assertThatThrownBy(() -> broker.subscribe(a, "1", parts(5), AckMode.AUTO)).isInstanceOf(BrokerLimitException.class);
  }

  @Test
  void tooLongIsRefusedBeforeItsPartsAreCounted() {
    assertThat(broker.destinationProblem("x".repeat(65))).hasValue("A destination may have at most 64 characters.");
    // The attack of issue 12: 4,000 parts in 8 KiB.
    assertThat(new Broker(BrokerConfig.DEFAULTS).destinationProblem(parts(4000)))
        .hasValue("A destination may have at most 1024 characters.");
  }

  @Test
  void subscriptionsPerConnectionAreBounded() {
    for (int i = 0; i < 3; i++) {
      broker.subscribe(a, "s" + i, "t" + i, AckMode.AUTO);
    }
    assertThatThrownBy(() -> broker.subscribe(a, "s3", "t3", AckMode.AUTO))
        .isInstanceOf(BrokerLimitException.class).hasMessage("A connection may hold at most 3 subscriptions.");
    // Another connection has an allowance of its own; ending one makes room again.
    broker.subscribe(new BrokerTest.Recorder("b"), "s0", "t0", AckMode.AUTO);
    assertThat(broker.unsubscribe(a, "s0")).isTrue();
    broker.subscribe(a, "s3", "t3", AckMode.AUTO);
  }

  @Test
  void manySubscribersOfOneTopicComeAndGoCheaply() {
    Broker big = new Broker(BrokerConfig.DEFAULTS);
    List<BrokerTest.Recorder> sessions = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      BrokerTest.Recorder r = new BrokerTest.Recorder("r" + i);
      sessions.add(r);
      big.subscribe(r, "1", "jms.queue.events", AckMode.AUTO);
    }
    // With a list per topic each removal scanned it: 50,000 disconnects were 1.25e9 comparisons.
    for (BrokerTest.Recorder r : sessions.subList(0, 49_999)) {
      big.disconnected(r);
    }
    assertThat(big.publish("jms.queue.events", null, "e".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
    assertThat(sessions.get(49_999).bodies()).containsExactly("e");
    assertThat(big.sessionCount()).isEqualTo(1);
  }

  @Test
  void boundsBelowOneAreRefused() {
    assertThatThrownBy(() -> BrokerConfig.DEFAULTS.withDestinationBounds(0, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BrokerConfig.DEFAULTS.withMaxSubscriptionsPerSession(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Set.of(BrokerConfig.DEFAULTS.maxDestinationChars(), BrokerConfig.DEFAULTS.maxDestinationDepth()))
        .containsExactlyInAnyOrder(1024, 32);
  }
}

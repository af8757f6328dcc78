package org.ovirt.vdsm.messaging.it.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * The phase 5 destination layout through a real broker, the same story for every broker: the
 * engine subscribes its reply queue first, sends a JSON-RPC request to the host's request queue with
 * {@code reply-to}, a "host" consumer answers to that {@code reply-to}, the engine gets the answer;
 * host events reach a wildcard topic subscriber; user headers survive; a request whose deadline
 * passed while it sat in the queue is dropped; a client certificate of another CA is refused.
 * Subclasses say where the engine and the host connect and what their broker adds.
 */
abstract class BrokerLayoutContract {

  /** Every wait of a test client. */
  static final Duration WAIT = Duration.ofSeconds(10);

  static final String HOST = "host1";
  static final String OTHER_HOST = "host2";

  /** A client of the engine (certificate CN {@code engine}) on the engine's broker node. */
  abstract StompTestClient engine() throws IOException;

  /** A client of VDSM host {@code hostId} (certificate CN = host id) on the hosts' broker node. */
  abstract StompTestClient host(String hostId) throws IOException;

  /** The PKI the broker trusts. */
  abstract BrokerPki pki();

  /** The TLS STOMP port a host connects to. */
  abstract int hostPort();

  /** The header(s) that make this broker drop a message not consumed by {@code deadlineMs}. */
  abstract Map<String, String> expiryHeaders(long deadlineMs);

  /** The header names this broker adds to a MESSAGE (beyond what the SEND carried). */
  abstract Set<String> headersTheBrokerAdds();

  static String replies(String engineId) {
    return "/queue/vdsm.replies." + engineId;
  }

  static String requests(String hostId, String subsystem) {
    return "/queue/vdsm.requests." + hostId + "." + subsystem;
  }

  static String events(String hostId, String subsystem) {
    return "/topic/vdsm.events." + hostId + "." + subsystem;
  }

  static String request(String id, String method) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":{},\"id\":\"" + id + "\"}";
  }

  @Test
  void requestReachesTheHostQueueAndTheReplyComesBackToReplyTo() throws Exception {
    String engineId = "e-" + UUID.randomUUID();
    String id = UUID.randomUUID().toString();
    String body = request(id, "Host.getCapabilities");
    try (StompTestClient engine = engine();
        StompTestClient host = host(HOST)) {
      engine.subscribe("replies", replies(engineId));
      host.subscribe("requests", requests(HOST, "host"));

      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("reply-to", replies(engineId));
      headers.put("ovirtCorrelationId", "flow-" + id);
      headers.put("x-vdsm-deadline", "4102444800000");
      engine.send(requests(HOST, "host"), headers, body);

      StompFrame request = host.nextMessage();
      assertThat(request.bodyAsString()).isEqualTo(body);
      assertThat(request.header("destination")).isEqualTo(requests(HOST, "host"));
      assertThat(request.header("reply-to")).isEqualTo(replies(engineId));
      assertThat(request.header("ovirtCorrelationId")).isEqualTo("flow-" + id);
      assertThat(request.header("x-vdsm-deadline")).isEqualTo("4102444800000");
      assertThat(request.header("subscription")).isEqualTo("requests");

      String response = "{\"jsonrpc\":\"2.0\",\"result\":{\"cpuCores\":\"2\"},\"id\":\"" + id + "\"}";
      host.send(request.header("reply-to"), Map.of(), response);

      StompFrame reply = engine.nextMessage();
      assertThat(reply.bodyAsString()).isEqualTo(response);
      assertThat(reply.header("destination")).isEqualTo(replies(engineId));
      assertThat(reply.header("subscription")).isEqualTo("replies");
    }
  }

  @Test
  void brokerAddsOnlyTheHeadersLaterCodeMustTolerate() throws Exception {
    try (StompTestClient engine = engine();
        StompTestClient host = host(HOST)) {
      host.subscribe("requests", requests(HOST, "network"));
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("reply-to", replies("e-headers"));
      headers.put("x-user", "kept as sent: a:b\\c");
      engine.send(requests(HOST, "network"), headers, request("h-1", "Host.ping2"));

      StompFrame request = host.nextMessage();
      Set<String> added = new LinkedHashSet<>();
      request.headers().forEach(h -> added.add(h.getKey()));
      added.removeAll(Set.of("destination", "reply-to", "x-user", "content-type"));
      assertThat(added).containsExactlyInAnyOrderElementsOf(headersTheBrokerAdds());
      assertThat(request.header("x-user")).isEqualTo("kept as sent: a:b\\c");
      assertThat(request.header("content-type")).isEqualTo("application/json");
      assertThat(request.header("content-length"))
          .isEqualTo(String.valueOf(request.body().length));
    }
  }

  @Test
  void hostEventsReachAWildcardSubscriberAndOnlyTheHostsItNames() throws Exception {
    String event = "{\"jsonrpc\":\"2.0\",\"method\":\"|virt|VM_status|vm-1\",\"params\":{}}";
    String other = "{\"jsonrpc\":\"2.0\",\"method\":\"|virt|VM_status|vm-2\",\"params\":{}}";
    try (StompTestClient engine = engine();
        StompTestClient host = host(HOST);
        StompTestClient otherHost = host(OTHER_HOST)) {
      engine.subscribe("all-events", "/topic/vdsm.events.*.*");
      engine.subscribe("host2-events", "/topic/vdsm.events." + OTHER_HOST + ".*");
      awaitEventRoutes(engine, host, otherHost);

      host.send(events(HOST, "virt"), Map.of(), event);
      otherHost.send(events(OTHER_HOST, "virt"), Map.of(), other);

      Map<String, String> bySubscription = new LinkedHashMap<>();
      Map<String, String> destinations = new LinkedHashMap<>();
      while (bySubscription.size() < 3) {
        StompFrame message = engine.nextMessage();
        if (isProbe(message)) {
          continue;
        }
        String key = message.header("subscription") + "#" + message.bodyAsString();
        bySubscription.put(key, message.header("destination"));
        destinations.put(message.bodyAsString(), message.header("destination"));
      }
      assertThat(bySubscription)
          .containsOnlyKeys("all-events#" + event, "all-events#" + other, "host2-events#" + other);
      assertThat(destinations)
          .containsEntry(event, events(HOST, "virt"))
          .containsEntry(other, events(OTHER_HOST, "virt"));
      assertThat(engine.pollMessage(Duration.ofMillis(200)).filter(m -> !isProbe(m))).isEmpty();
    }
  }

  /** The body of a probe event (see {@link #awaitEventRoutes}); tests skip probes they receive. */
  static final String PROBE = "{\"jsonrpc\":\"2.0\",\"method\":\"probe\",\"params\":{}}";

  static boolean isProbe(StompFrame message) {
    return message.bodyAsString().equals(PROBE);
  }

  /**
   * A hook for brokers whose subscriptions need a moment to reach the publishers' node (a
   * cluster): returns when the engine's topic subscriptions get events of both hosts. It may leave
   * {@link #PROBE} events behind. Nothing to wait for on a single node.
   */
  void awaitEventRoutes(StompTestClient engine, StompTestClient host, StompTestClient otherHost)
      throws Exception {}

  @Test
  void requestWhoseDeadlinePassedInTheQueueIsDroppedAndALaterOneDelivered() throws Exception {
    String expired = request("expired-1", "StorageDomain.getInfo");
    String live = request("live-1", "StorageDomain.getInfo");
    try (StompTestClient engine = engine()) {
      long deadline = System.currentTimeMillis() + 300;
      Map<String, String> headers = new LinkedHashMap<>(expiryHeaders(deadline));
      headers.put("reply-to", replies("e-expiry"));
      engine.send(requests(HOST, "storage"), headers, expired);
      engine.send(requests(HOST, "storage"), Map.of("reply-to", replies("e-expiry")), live);
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> System.currentTimeMillis() > deadline + 100);
    }
    try (StompTestClient host = host(HOST)) {
      host.subscribe("requests", requests(HOST, "storage"));
      assertThat(host.nextMessage().bodyAsString()).isEqualTo(live);
      assertThat(host.pollMessage(Duration.ofMillis(200))).isEmpty();
    }
  }

  @Test
  void certificateSignedByAnotherCaIsRefused() throws Exception {
    BrokerPki.ClientCredentials foreign = pki().foreignClient(HOST);
    assertThatThrownBy(() -> StompTestClient.connect(foreign.sslContext(), hostPort(), WAIT).close())
        .isInstanceOf(IOException.class);
  }
}

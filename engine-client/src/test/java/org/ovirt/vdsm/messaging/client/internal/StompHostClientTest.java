package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.EngineClientBuilder;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.TooManyPendingCallsException;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.slf4j.MDC;

/**
 * The STOMP host client against a scriptable fake host on a loopback socket: frame order, answers
 * in one write and byte by byte, null ids, deadlines, bounds, heart-beats, FIN and reset,
 * reconnect, close, events.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StompHostClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private FakeStompPeer peer;
  private EngineClientFactory factory;
  private final List<JsonRpcResponse> unmatched = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    peer = new FakeStompPeer();
  }

  @AfterEach
  void stop() throws Exception {
    if (factory != null) {
      factory.close();
    }
    peer.close();
  }

  private EngineClientBuilder builder() {
    return EngineClientFactory.builder()
        .plaintext()
        .heartBeat(HeartBeat.NONE)
        .defaultTimeout(WAIT)
        .connectTimeout(WAIT)
        .ioThreads(1)
        .workerThreads(2)
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200)))
        .onUnmatchedResponse((host, response) -> unmatched.add(response));
  }

  private StompHostClient connect(EngineClientBuilder b) throws Exception {
    factory = b.build();
    return (StompHostClient) factory.connect("127.0.0.1", peer.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Answers every request of a body (single or batch) with {@code "<method>:<params>"}, in reverse batch order. */
  private static String echo(String body) {
    JsonElement parsed = JsonParser.parseString(body);
    if (parsed.isJsonArray()) {
      JsonArray answers = new JsonArray();
      JsonArray requests = parsed.getAsJsonArray();
      for (int i = requests.size() - 1; i >= 0; i--) {
        answers.add(answer(requests.get(i).getAsJsonObject()));
      }
      return answers.toString();
    }
    return answer(parsed.getAsJsonObject()).toString();
  }

  private static JsonObject answer(JsonObject request) {
    JsonObject a = new JsonObject();
    a.addProperty("jsonrpc", "2.0");
    a.addProperty("result", request.get("method").getAsString() + ":" + request.get("params"));
    a.add("id", request.get("id"));
    return a;
  }

  private static String idOf(FakeStompPeer.Frame send) {
    return JsonParser.parseString(send.bodyText()).getAsJsonObject().get("id").getAsString();
  }

  private static String response(String id, String result) {
    return "{\"jsonrpc\":\"2.0\",\"result\":\"" + result + "\",\"id\":\"" + id + "\"}";
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class);
    return f.handle((r, t) -> t).join();
  }

  // ---------------------------------------------------------------------------------- order

  @Test
  void writesConnectThenSubscriptionsThenTheRequest() throws Exception {
    peer.answerer = StompHostClientTest::echo;
    StompHostClient client = connect(builder());
    assertThat(client.call("Host.ping2", null).get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("Host.ping2:null");
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    assertThat(c.commands()).containsExactly("CONNECT", "SUBSCRIBE", "SUBSCRIBE", "SEND");
    FakeStompPeer.Frame connect = c.all.get(0);
    assertThat(connect.header("accept-version")).isEqualTo("1.2");
    assertThat(connect.header("host")).isEqualTo("127.0.0.1");
    // Each connection answers on destinations of its own: jms.topic.vdsm_responses.<uuid>.
    assertThat(c.all.get(1).header("destination")).startsWith(EngineClientFactory.RESPONSES + ".");
    assertThat(c.all.get(2).header("destination")).startsWith(EngineClientFactory.IRS_RESPONSES + ".");
    FakeStompPeer.Frame send = c.all.get(3);
    assertThat(send.header("destination")).isEqualTo(EngineClientFactory.REQUESTS);
    assertThat(send.header("reply-to")).isEqualTo(c.all.get(1).header("destination"));
    assertThat(send.header("content-type")).isEqualTo("application/json");
  }

  @Test
  void theConnectHostHeaderNeverCarriesARawColon() {
    assertThat(StompHostClient.connectHostHeader("host1.example.com")).isEqualTo("host1.example.com");
    assertThat(StompHostClient.connectHostHeader("10.0.0.1")).isEqualTo("10.0.0.1");
    assertThat(StompHostClient.connectHostHeader("fe80::1")).isEqualTo("null");
  }

  @Test
  void callsMadeBeforeConnectedWaitAndFollowTheSubscriptions() throws Exception {
    peer.autoConnected = false;
    peer.answerer = StompHostClientTest::echo;
    factory = builder().build();
    HostClient client = factory.open("127.0.0.1", peer.port());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    c.next("CONNECT", WAIT);
    List<CompletableFuture<JsonElement>> early = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      early.add(client.call("Host.n" + i, null));
    }
    assertThat(client.pendingCalls()).isEqualTo(3);
    c.connected();
    for (int i = 0; i < 3; i++) {
      assertThat(early.get(i).get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("Host.n" + i + ":null");
    }
    assertThat(c.commands()).containsExactly("CONNECT", "SUBSCRIBE", "SUBSCRIBE", "SEND", "SEND", "SEND");
  }

  @Test
  void flowIdComesFromTheCallOrTheMdc() throws Exception {
    peer.answerer = StompHostClientTest::echo;
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    client.call(RpcCall.of("Host.a").withFlowId("explicit-flow")).get(10, TimeUnit.SECONDS);
    assertThat(c.next("SEND", WAIT).header("ovirtCorrelationId")).isEqualTo("explicit-flow");
    MDC.put(HostClient.FLOW_ID_MDC_KEY, "mdc-flow");
    try {
      client.call("Host.b", null).get(10, TimeUnit.SECONDS);
    } finally {
      MDC.remove(HostClient.FLOW_ID_MDC_KEY);
    }
    assertThat(c.next("SEND", WAIT).header("ovirtCorrelationId")).isEqualTo("mdc-flow");
    client.call("Host.c", null).get(10, TimeUnit.SECONDS);
    assertThat(c.next("SEND", WAIT).header("ovirtCorrelationId")).isNull();
  }

  // ---------------------------------------------------------------------------------- delivery

  @Test
  void twoAnswersInOneWriteAreBothDeliveredAtOnce() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> first = client.call("Host.one", null);
    CompletableFuture<JsonElement> second = client.call("Host.two", null);
    String id1 = idOf(c.next("SEND", WAIT));
    String id2 = idOf(c.next("SEND", WAIT));
    long t0 = System.nanoTime();
    // No heart-beats are negotiated: nothing else will arrive after this one write.
    c.write(FakeStompPeer.concat(
        c.message(c.replies(EngineClientFactory.RESPONSES), response(id1, "a")),
        c.message(c.replies(EngineClientFactory.RESPONSES), response(id2, "b"))));
    assertThat(first.get(2, TimeUnit.SECONDS).getAsString()).isEqualTo("a");
    assertThat(second.get(2, TimeUnit.SECONDS).getAsString()).isEqualTo("b");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void anAnswerSplitByteByByteIsDelivered() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = client.call("Host.split", null);
    String id = idOf(c.next("SEND", WAIT));
    c.writeByteByByte(c.message(c.replies(EngineClientFactory.RESPONSES), response(id, "pieces \u00e9\u4e2d")));
    assertThat(call.get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("pieces \u00e9\u4e2d");
  }

  @Test
  void batchGoesInOneFrameAndEachCallGetsItsOwnAnswer() throws Exception {
    peer.answerer = StompHostClientTest::echo;
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    JsonObject p = new JsonObject();
    p.addProperty("vmID", "v1");
    List<CompletableFuture<JsonElement>> answers = client.batch(List.of(
        RpcCall.of("Host.a"), RpcCall.of("VM.getStats", p), RpcCall.of("Host.c").withFlowId("batch-flow")));
    assertThat(answers.get(0).get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("Host.a:null");
    assertThat(answers.get(1).get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("VM.getStats:{\"vmID\":\"v1\"}");
    assertThat(answers.get(2).get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("Host.c:null");
    FakeStompPeer.Frame send = c.next("SEND", WAIT);
    assertThat(JsonParser.parseString(send.bodyText()).getAsJsonArray()).hasSize(3);
    assertThat(send.header("ovirtCorrelationId")).isEqualTo("batch-flow");
    assertThat(c.commands()).containsOnlyOnce("SEND");
  }

  @Test
  void typedResultsAndHostErrors() throws Exception {
    peer.answerer = body -> {
      JsonObject request = JsonParser.parseString(body).getAsJsonObject();
      String id = request.get("id").getAsString();
      return switch (request.get("method").getAsString()) {
        case "Host.count" -> "{\"jsonrpc\":\"2.0\",\"result\":{\"n\":42},\"id\":\"" + id + "\"}";
        default -> "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"Virtual machine does not exist\"},\"id\":\"" + id + "\"}";
      };
    };
    StompHostClient client = connect(builder());
    record Count(int n) {}
    assertThat(client.call("Host.count", null, Count.class).get(10, TimeUnit.SECONDS)).isEqualTo(new Count(42));
    Throwable failure = failureOf(client.call("VM.getStats", null));
    assertThat(failure).isInstanceOf(JsonRpcErrorException.class);
    assertThat(((JsonRpcErrorException) failure).code()).isEqualTo(1);
    assertThat(((JsonRpcErrorException) failure).error().message()).isEqualTo("Virtual machine does not exist");
  }

  // ---------------------------------------------------------------------------------- id null

  @Test
  void nullIdErrorFailsTheOnlyCallInFlightAtOnce() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = client.call("Host.broken", null);
    c.next("SEND", WAIT);
    c.write(c.message(c.replies(EngineClientFactory.RESPONSES),
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}"));
    Throwable failure = failureOf(call);
    assertThat(failure).isInstanceOf(JsonRpcErrorException.class);
    assertThat(((JsonRpcErrorException) failure).code()).isEqualTo(JsonRpcError.PARSE_ERROR);
    assertThat(client.pendingCalls()).isZero();
    assertThat(unmatched).isEmpty();
  }

  @Test
  void nullIdErrorWithTwoCallsInFlightIsReportedNotGuessed() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> one = client.call("Host.one", null);
    CompletableFuture<JsonElement> two = client.call("Host.two", null);
    String id1 = idOf(c.next("SEND", WAIT));
    String id2 = idOf(c.next("SEND", WAIT));
    c.write(c.message(c.replies(EngineClientFactory.RESPONSES),
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid request\"},\"id\":null}"));
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> unmatched.size() == 1);
    assertThat(unmatched.get(0).error().code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
    assertThat(one).isNotDone();
    assertThat(two).isNotDone();
    c.write(FakeStompPeer.concat(
        c.message(c.replies(EngineClientFactory.RESPONSES), response(id1, "1")),
        c.message(c.replies(EngineClientFactory.RESPONSES), response(id2, "2"))));
    assertThat(one.get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("1");
    assertThat(two.get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("2");
  }

  @Test
  void nullIdErrorIsAttributedPerReplyDestination() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> vds = client.call("Host.vds", null);
    CompletableFuture<JsonElement> storage = client.irs().call("StorageDomain.x", null);
    FakeStompPeer.Frame vdsSend = c.next("SEND", WAIT);
    FakeStompPeer.Frame irsSend = c.next("SEND", WAIT);
    assertThat(irsSend.header("destination")).isEqualTo(EngineClientFactory.IRS_REQUESTS);
    assertThat(irsSend.header("reply-to")).isEqualTo(c.replies(EngineClientFactory.IRS_RESPONSES));
    // One call in flight on each destination: an id-null error on the IRS one is the IRS call's.
    c.write(c.message(c.replies(EngineClientFactory.IRS_RESPONSES),
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}"));
    assertThat(failureOf(storage)).isInstanceOf(JsonRpcErrorException.class);
    assertThat(vds).isNotDone();
    c.write(c.message(c.replies(EngineClientFactory.RESPONSES), response(idOf(vdsSend), "ok")));
    assertThat(vds.get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("ok");
  }

  // ---------------------------------------------------------------------------------- bounds

  @Test
  void deadlineFailsTheCallWith5022AndRemovesIt() throws Exception {
    StompHostClient client = connect(builder());
    long t0 = System.nanoTime();
    CompletableFuture<JsonElement> call = client.call(RpcCall.of("Host.never").withTimeout(Duration.ofMillis(300)));
    Throwable failure = failureOf(call);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(failure).isInstanceOf(CallTimeoutException.class).hasMessageContaining("Host.never");
    assertThat(((CallTimeoutException) failure).code()).isEqualTo(5022);
    assertThat(elapsedMs).isBetween(290L, 5_000L);
    assertThat(client.pendingCalls()).isZero();
  }

  @Test
  void aLateAnswerIsReportedAsUnmatched() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = client.call(RpcCall.of("Host.slow").withTimeout(Duration.ofMillis(100)));
    String id = idOf(c.next("SEND", WAIT));
    assertThat(failureOf(call)).isInstanceOf(CallTimeoutException.class);
    c.write(c.message(c.replies(EngineClientFactory.RESPONSES), response(id, "late")));
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> unmatched.size() == 1);
  }

  @Test
  void pendingCallsAreBoundedPerHost() throws Exception {
    StompHostClient client = connect(builder().maxPendingCalls(2));
    CompletableFuture<JsonElement> a = client.call("Host.a", null);
    CompletableFuture<JsonElement> b = client.call("Host.b", null);
    Throwable refused = failureOf(client.call("Host.c", null));
    assertThat(refused).isInstanceOf(TooManyPendingCallsException.class);
    assertThat(((TooManyPendingCallsException) refused).code()).isEqualTo(JsonRpcError.NOT_ENOUGH_RESOURCES);
    assertThat(a).isNotDone();
    assertThat(b).isNotDone();
    assertThat(client.pendingCalls()).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------- failures

  @Test
  void finByTheHostFailsCallsAtOnce() throws Exception {
    StompHostClient client = connect(builder().reconnect(ReconnectPolicy.NEVER));
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = client.call("Host.inFlight", null);
    c.next("SEND", WAIT);
    long t0 = System.nanoTime();
    c.fin();
    Throwable failure = failureOf(call);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(failure).isInstanceOf(ConnectionLostException.class);
    assertThat(((ConnectionLostException) failure).reason()).isIn(Reason.CLOSED_BY_HOST, Reason.IO_ERROR);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> client.state() == HostClient.State.CLOSED);
  }

  @Test
  void resetByTheHostFailsCallsAtOnce() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = client.call("Host.inFlight", null);
    c.next("SEND", WAIT);
    c.reset();
    Throwable failure = failureOf(call);
    assertThat(failure).isInstanceOf(ConnectionLostException.class);
    assertThat(((ConnectionLostException) failure).reason()).isIn(Reason.IO_ERROR, Reason.CLOSED_BY_HOST);
  }

  @Test
  void anErrorFrameEndsTheSessionWithAProtocolFailure() throws Exception {
    StompHostClient client = connect(builder());
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = client.call("Host.x", null);
    c.next("SEND", WAIT);
    c.write(FakeStompPeer.frame("ERROR", "details", "message", "bad things"));
    Throwable failure = failureOf(call);
    assertThat(((ConnectionLostException) failure).reason()).isEqualTo(Reason.PROTOCOL);
    assertThat(failure).hasMessageContaining("bad things");
  }

  @Test
  void heartBeatLossIsDetectedWithinIntervalPlusGrace() throws Exception {
    peer.heartBeatReply = "1000,1000";
    StompHostClient client = connect(builder().heartBeat(new HeartBeat(1000, 1000)).reconnect(ReconnectPolicy.NEVER));
    assertThat(client.negotiatedHeartBeat()).isEqualTo(new HeartBeat.Negotiated(1000, 1000));
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = client.call("Host.unanswered", null);
    c.next("SEND", WAIT);
    long t0 = System.nanoTime();
    // The fake sends nothing at all: no heart-beats, no answer.
    Throwable failure = failureOf(call);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(failure).isInstanceOf(ConnectionLostException.class);
    assertThat(((ConnectionLostException) failure).reason()).isEqualTo(Reason.HEART_BEAT);
    assertThat(ms).isLessThan(1500 + 1000);
    // The client sent heart-beats of its own meanwhile (every second once idle).
    assertThat(c.heartBeats.get()).isPositive();
  }

  @Test
  void connectFailureNamesTheHost() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    factory = builder().build();
    CompletableFuture<HostClient> connecting = factory.connect("127.0.0.1", port);
    Throwable failure = failureOf(connecting);
    assertThat(failure).isInstanceOf(ConnectionLostException.class).hasMessageContaining("127.0.0.1:" + port);
    assertThat(((ConnectionLostException) failure).reason()).isEqualTo(Reason.CONNECT_FAILED);
  }

  // ---------------------------------------------------------------------------------- reconnect

  @Test
  void reconnectsWithTheSameHeartBeatRestoresSubscriptionsAndNeverResends() throws Exception {
    peer.heartBeatReply = "5000,5000";
    StompHostClient client = connect(builder().heartBeat(new HeartBeat(5000, 5000)));
    client.subscribe("*|virt|*|*", e -> {});
    FakeStompPeer.Connection first = peer.nextConnection(WAIT);
    first.next("SUBSCRIBE", WAIT);
    first.next("SUBSCRIBE", WAIT);
    first.next("SUBSCRIBE", WAIT); // events, once someone subscribed
    assertThat(first.subscriptions).containsKey(EngineClientFactory.EVENTS);
    CompletableFuture<JsonElement> lost = client.call("VM.create", null);
    String lostId = idOf(first.next("SEND", WAIT));
    HeartBeat.Negotiated before = client.negotiatedHeartBeat();
    first.fin();
    assertThat(((ConnectionLostException) failureOf(lost)).reason()).isIn(Reason.CLOSED_BY_HOST, Reason.IO_ERROR);

    peer.answerer = StompHostClientTest::echo;
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> client.state() == HostClient.State.CONNECTED);
    assertThat(client.call("Host.after", null).get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("Host.after:null");
    // The session that answered: under load a first reconnect attempt may have been abandoned.
    FakeStompPeer.Connection second = peer.connections().stream()
        .filter(c -> c.commands().contains("SEND") && c != first)
        .findFirst()
        .orElseThrow();
    assertThat(second.all.get(0).header("heart-beat")).isEqualTo(first.all.get(0).header("heart-beat"));
    assertThat(client.negotiatedHeartBeat()).isEqualTo(before);
    assertThat(second.subscriptions).containsKey(EngineClientFactory.EVENTS);
    // A new connection, new reply destinations of its own.
    assertThat(second.replies(EngineClientFactory.RESPONSES)).isNotEqualTo(first.replies(EngineClientFactory.RESPONSES));
    assertThat(second.replies(EngineClientFactory.IRS_RESPONSES))
        .isNotEqualTo(first.replies(EngineClientFactory.IRS_RESPONSES));
    assertThat(second.commands()).containsExactly("CONNECT", "SUBSCRIBE", "SUBSCRIBE", "SUBSCRIBE", "SEND");
    for (FakeStompPeer.Frame f : second.all) {
      assertThat(f.bodyText()).doesNotContain(lostId);
    }
    assertThat(client.sessionCount()).isEqualTo(2);
  }

  @Test
  void callsWhileDisconnectedWaitForTheNextSessionByDefault() throws Exception {
    StompHostClient client = connect(builder().reconnect(ReconnectPolicy.exponential(Duration.ofMillis(300), Duration.ofMillis(300))));
    FakeStompPeer.Connection first = peer.nextConnection(WAIT);
    LinkedBlockingQueue<HostClient.State> states = new LinkedBlockingQueue<>();
    client.addStateListener((c, s, cause) -> states.add(s));
    first.fin();
    assertThat(states.poll(10, TimeUnit.SECONDS)).isEqualTo(HostClient.State.DISCONNECTED);
    peer.answerer = StompHostClientTest::echo;
    CompletableFuture<JsonElement> waiting = client.call("Host.waited", null);
    assertThat(waiting.get(10, TimeUnit.SECONDS).getAsString()).isEqualTo("Host.waited:null");
  }

  @Test
  void callsWhileDisconnectedFailFastByPolicy() throws Exception {
    StompHostClient client = connect(builder()
        .whileDisconnected(WhileDisconnected.FAIL_FAST)
        .reconnect(ReconnectPolicy.exponential(Duration.ofSeconds(30), Duration.ofSeconds(30))));
    FakeStompPeer.Connection first = peer.nextConnection(WAIT);
    first.fin();
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> client.state() == HostClient.State.DISCONNECTED);
    Throwable failure = failureOf(client.call("Host.nope", null));
    assertThat(((ConnectionLostException) failure).reason()).isEqualTo(Reason.NOT_CONNECTED);
    assertThat(client.pendingCalls()).isZero();
  }

  @Test
  void waitingCallsTimeOutAndLeaveNothingBehindWhileTheHostIsDown() throws Exception {
    peer.close();
    factory = builder().reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(100))).build();
    StompHostClient client = (StompHostClient) factory.open("127.0.0.1", peer.port());
    List<CompletableFuture<JsonElement>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.call(RpcCall.of("Host.down").withTimeout(Duration.ofMillis(200))));
    }
    for (CompletableFuture<JsonElement> c : calls) {
      assertThat(failureOf(c)).isInstanceOf(CallTimeoutException.class);
    }
    assertThat(client.pendingCalls()).isZero();
    assertThat(client.state()).isIn(HostClient.State.CONNECTING, HostClient.State.DISCONNECTED);
  }

  @Test
  void givesUpAfterTheConfiguredAttempts() throws Exception {
    StompHostClient client = connect(builder().reconnect(
        ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(20)).withMaxAttempts(2)));
    CountDownLatch closed = new CountDownLatch(1);
    List<Throwable> causes = new CopyOnWriteArrayList<>();
    client.addStateListener((c, s, cause) -> {
      if (s == HostClient.State.CLOSED) {
        causes.add(cause);
        closed.countDown();
      }
    });
    peer.close();
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(((ConnectionLostException) causes.get(0)).reason()).isEqualTo(Reason.GAVE_UP);
    assertThat(((ConnectionLostException) failureOf(client.call("Host.late", null))).reason()).isEqualTo(Reason.GAVE_UP);
  }

  // ---------------------------------------------------------------------------------- close

  @Test
  void closeUnsubscribesAndSendsDisconnectWithReceipt() throws Exception {
    StompHostClient client = connect(builder());
    client.subscribe("127.0.0.1|virt|VM_status|*", e -> {});
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> c.subscriptions.size() == 3);
    CompletableFuture<JsonElement> inFlight = client.call("Host.x", null);
    c.next("SEND", WAIT);
    assertThat(client.disconnect(Duration.ofSeconds(5))).isTrue();
    assertThat(c.commands()).endsWith("UNSUBSCRIBE", "UNSUBSCRIBE", "UNSUBSCRIBE", "DISCONNECT");
    List<String> unsubscribed = new ArrayList<>();
    for (FakeStompPeer.Frame f : c.all) {
      if (f.command().equals("UNSUBSCRIBE")) {
        unsubscribed.add(f.header("id"));
      }
    }
    assertThat(unsubscribed).containsExactlyInAnyOrderElementsOf(c.subscriptions.values());
    assertThat(((ConnectionLostException) failureOf(inFlight)).reason()).isEqualTo(Reason.CLIENT_CLOSED);
    assertThat(client.state()).isEqualTo(HostClient.State.CLOSED);
  }

  @Test
  void closeWithoutReceiptStillClosesAfterTheWait() throws Exception {
    peer.autoReceipt = false;
    StompHostClient client = connect(builder());
    long t0 = System.nanoTime();
    assertThat(client.disconnect(Duration.ofMillis(300))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(client.state()).isEqualTo(HostClient.State.CLOSED);
  }

  // ---------------------------------------------------------------------------------- events

  private static String event(String method, String vmId, int n) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":{\"" + vmId + "\":{\"status\":\"Up\"},\"n\":" + n + ",\"notify_time\":1}}";
  }

  @Test
  void eventsReachMatchingSubscribersInOrderWithTheHostAsReceiver() throws Exception {
    StompHostClient client = connect(builder());
    LinkedBlockingQueue<HostEvent> statuses = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<HostEvent> everything = new LinkedBlockingQueue<>();
    client.subscribe("127.0.0.1|virt|VM_status|*", statuses::add);
    client.subscribe("*|*|*|vm-2", everything::add);
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> c.subscriptions.containsKey(EngineClientFactory.EVENTS));
    byte[] burst = new byte[0];
    for (int i = 0; i < 20; i++) {
      burst = FakeStompPeer.concat(burst, c.message(EngineClientFactory.EVENTS, event("|virt|VM_status|vm-" + (i % 3), "vm", i)));
    }
    burst = FakeStompPeer.concat(burst, c.message(EngineClientFactory.EVENTS, event("|virt|VM_migration_status|vm-2", "vm", 99)));
    c.write(burst);
    for (int i = 0; i < 20; i++) {
      HostEvent e = statuses.poll(10, TimeUnit.SECONDS);
      assertThat(e).isNotNull();
      assertThat(e.id()).isEqualTo("127.0.0.1|virt|VM_status|vm-" + (i % 3));
      assertThat(e.params().getAsJsonObject().get("n").getAsInt()).isEqualTo(i);
    }
    List<String> vm2 = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      vm2.add(everything.poll(10, TimeUnit.SECONDS).name());
    }
    assertThat(vm2).containsExactly("VM_status", "VM_status", "VM_status", "VM_status", "VM_status", "VM_status",
        "VM_migration_status");
  }

  @Test
  void flowSubscribersGetOnlyWhatTheyRequestAndOverflowDropsTheOldest() throws Exception {
    StompHostClient client = connect(builder().eventQueueCapacity(4));
    LinkedBlockingQueue<Integer> got = new LinkedBlockingQueue<>();
    CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    CompletableFuture<Void> completed = new CompletableFuture<>();
    EventSubscription handle = client.subscribe("*|virt|VM_status|*", new Flow.Subscriber<HostEvent>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription.complete(s);
      }

      @Override
      public void onNext(HostEvent item) {
        got.add(item.params().getAsJsonObject().get("n").getAsInt());
      }

      @Override
      public void onError(Throwable t) {
        completed.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        completed.complete(null);
      }
    });
    Flow.Subscription s = subscription.get(10, TimeUnit.SECONDS);
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> c.subscriptions.containsKey(EngineClientFactory.EVENTS));
    for (int i = 0; i < 10; i++) {
      c.write(c.message(EngineClientFactory.EVENTS, event("|virt|VM_status|vm", "vm", i)));
    }
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> handle.droppedEvents() == 6);
    assertThat(got).isEmpty(); // nothing requested yet
    s.request(1);
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(6); // the oldest four were kept: 6..9
    assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
    s.request(10);
    for (int n = 7; n <= 9; n++) {
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(n);
    }
    client.close();
    completed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBlockedSubscriberDoesNotDelayCalls() throws Exception {
    peer.answerer = StompHostClientTest::echo;
    StompHostClient client = connect(builder().eventQueueCapacity(8));
    CountDownLatch release = new CountDownLatch(1);
    Consumer<HostEvent> stuck = e -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    };
    EventSubscription handle = client.subscribe("*|virt|*|*", stuck);
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> c.subscriptions.containsKey(EngineClientFactory.EVENTS));
    for (int i = 0; i < 100; i++) {
      c.write(c.message(EngineClientFactory.EVENTS, event("|virt|VM_status|vm", "vm", i)));
    }
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(client.call("Host.ping", null).get(5, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive("Host.ping:null"));
      }
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> handle.droppedEvents() > 0);
    } finally {
      release.countDown();
    }
  }

  @Test
  void theLastCancelUnsubscribesTheEventsDestination() throws Exception {
    StompHostClient client = connect(builder());
    EventSubscription a = client.subscribe("*|virt|*|*", e -> {});
    EventSubscription b = client.subscribe("*|net|*|*", e -> {});
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    FakeStompPeer.Frame subscribe = null;
    for (int i = 0; i < 3; i++) {
      subscribe = c.next("SUBSCRIBE", WAIT);
    }
    assertThat(subscribe.header("destination")).isEqualTo(EngineClientFactory.EVENTS);
    a.cancel();
    b.cancel();
    assertThat(c.next("UNSUBSCRIBE", WAIT).header("id")).isEqualTo(subscribe.header("id"));
    assertThat(c.commands()).containsOnlyOnce("UNSUBSCRIBE");
  }

  @Test
  void refusedPatterns() throws Exception {
    StompHostClient client = connect(builder());
    assertThatThrownBy(() -> client.subscribe("*|*|*|*", e -> {})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.subscribe("127.0.0.10|virt|*|*", e -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

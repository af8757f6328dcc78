package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * The broker transport against a scripted STOMP peer standing in for the broker: what goes on the
 * wire (CONNECT {@code host:/} with heart-beats, the reply SUBSCRIBE confirmed before any SEND, the
 * request headers) and how answers on the one reply queue reach the right host's calls.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BrokerSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String REPLIES = "/queue/vdsm.replies.engine1";

  private FakeStompPeer peer;
  private EngineClientFactory factory;
  private final List<JsonRpcResponse> unmatched = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    peer = new FakeStompPeer();
    factory = EngineClientFactory.builder()
        .plaintext()
        .heartBeat(HeartBeat.NONE)
        .defaultTimeout(WAIT)
        .connectTimeout(WAIT)
        .ioThreads(1)
        .workerThreads(2)
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200)))
        .onUnmatchedResponse((host, response) -> unmatched.add(response))
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    factory.close();
    peer.close();
  }

  private BrokerConnection broker() {
    return factory.broker("engine1", URI.create("stomp://127.0.0.1:" + peer.port()));
  }

  /** Reads the reply SUBSCRIBE and confirms it. */
  private static void confirmSubscribe(FakeStompPeer.Connection c) throws Exception {
    FakeStompPeer.Frame subscribe = c.next("SUBSCRIBE", WAIT);
    assertThat(subscribe.header("destination")).isEqualTo(REPLIES);
    assertThat(subscribe.header("ack")).isEqualTo("auto");
    assertThat(subscribe.header("receipt")).isNotNull();
    c.write(FakeStompPeer.frame("RECEIPT", "", "receipt-id", subscribe.header("receipt")));
  }

  private static String id(FakeStompPeer.Frame send) {
    return JsonParser.parseString(send.bodyText()).getAsJsonObject().get("id").getAsString();
  }

  @Test
  void repliesAreSubscribedAndConfirmedBeforeTheFirstSendWhichCarriesItsRouteAndDeadline() throws Exception {
    BrokerConnection broker = broker();
    HostClient host = broker.host("h1");
    // A deadline far past the class's 30 s limit: a call still waiting for the reply queue when its
    // deadline passes is dropped unsent (as it should be), and on a loaded machine the connection,
    // CONNECT, SUBSCRIBE and RECEIPT before the SEND once took longer than the 7 s this test gave it.
    Duration timeout = Duration.ofMinutes(5);
    long before = System.currentTimeMillis();
    CompletableFuture<JsonElement> call = host.call(RpcCall.of("VM.getStats", null).withTimeout(timeout).withFlowId("f1"));
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    FakeStompPeer.Frame connect = c.next("CONNECT", WAIT);
    assertThat(connect.header("host")).isEqualTo("/");
    assertThat(connect.header("heart-beat")).isEqualTo("10000,10000");
    FakeStompPeer.Frame subscribe = c.next("SUBSCRIBE", WAIT);
    assertThat(subscribe.header("destination")).isEqualTo(REPLIES);
    assertThatThrownBy(() -> c.nextFrame(Duration.ofMillis(300))).as("no SEND before the reply queue is confirmed")
        .isInstanceOf(AssertionError.class).hasMessageContaining("no frame");
    c.write(FakeStompPeer.frame("RECEIPT", "", "receipt-id", subscribe.header("receipt")));

    FakeStompPeer.Frame send = c.next("SEND", WAIT);
    long after = System.currentTimeMillis();
    assertThat(send.header("destination")).isEqualTo("/queue/vdsm.requests.h1.virt");
    assertThat(send.header("reply-to")).isEqualTo(REPLIES);
    assertThat(send.header("content-type")).isEqualTo("application/json");
    assertThat(send.header("ovirtCorrelationId")).isEqualTo("f1");
    assertThat(send.header("vdsm-engine-id")).isEqualTo("engine1");
    long deadline = Long.parseLong(send.header("vdsm-deadline"));
    assertThat(deadline).isBetween(before + timeout.toMillis() - 5, after + timeout.toMillis() + 5);
    assertThat(send.header("expires")).isEqualTo(send.header("vdsm-deadline"));
    assertThat(Long.parseLong(send.header("expiration"))).as("the time left when sent")
        .isBetween(timeout.toMillis() - (after - before) - 5, timeout.toMillis());

    c.write(c.message(REPLIES, "{\"jsonrpc\":\"2.0\",\"result\":\"ok\",\"id\":\"" + id(send) + "\"}"));
    assertThat(call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsString()).isEqualTo("ok");
  }

  @Test
  void aCallWhoseDeadlinePassesBeforeTheReplyQueueIsConfirmedFailsAndIsNeverSent() throws Exception {
    BrokerConnection broker = broker();
    HostClient host = broker.host("h1");
    CompletableFuture<JsonElement> late = host.call(RpcCall.of("VM.getStats", null).withTimeout(Duration.ofMillis(200)));
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    c.next("CONNECT", WAIT);
    FakeStompPeer.Frame subscribe = c.next("SUBSCRIBE", WAIT);
    ExecutionException timedOut = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> late.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(timedOut.getCause()).isInstanceOf(org.ovirt.vdsm.messaging.client.CallTimeoutException.class);
    c.write(FakeStompPeer.frame("RECEIPT", "", "receipt-id", subscribe.header("receipt")));
    broker.connected().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    CompletableFuture<JsonElement> next = host.call("Host.getStats", null);
    FakeStompPeer.Frame send = c.next("SEND", WAIT);
    assertThat(JsonParser.parseString(send.bodyText()).getAsJsonObject().get("method").getAsString())
        .as("the first SEND is the next call's: the timed-out one was dropped").isEqualTo("Host.getStats");
    c.write(c.message(REPLIES, "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"" + id(send) + "\"}"));
    assertThat(next.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsInt()).isEqualTo(1);
  }

  @Test
  void answersOnTheOneReplyQueueReachTheCallsOfTheirOwnHost() throws Exception {
    BrokerConnection broker = broker();
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    confirmSubscribe(c);
    broker.connected().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    HostClient one = broker.host("h1");
    HostClient two = broker.host("h2");
    CompletableFuture<JsonElement> a = one.call("Host.getCapabilities", null);
    FakeStompPeer.Frame sendA = c.next("SEND", WAIT);
    CompletableFuture<JsonElement> b = two.call("StorageDomain.getInfo", null);
    FakeStompPeer.Frame sendB = c.next("SEND", WAIT);
    assertThat(sendA.header("destination")).isEqualTo("/queue/vdsm.requests.h1.host");
    assertThat(sendB.header("destination")).isEqualTo("/queue/vdsm.requests.h2.storage");

    c.write(c.message(REPLIES, "{\"jsonrpc\":\"2.0\",\"result\":\"for two\",\"id\":\"" + id(sendB) + "\"}"));
    c.write(c.message(REPLIES, "{\"jsonrpc\":\"2.0\",\"result\":\"for one\",\"id\":\"" + id(sendA) + "\"}"));
    assertThat(a.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsString()).isEqualTo("for one");
    assertThat(b.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsString()).isEqualTo("for two");

    // An error with id null goes to the only call in flight in the whole engine.
    CompletableFuture<JsonElement> only = two.call("VM.getStats", null);
    c.next("SEND", WAIT);
    c.write(c.message(REPLIES, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"parse error\"},\"id\":null}"));
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> only.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(failed.getCause()).isInstanceOf(JsonRpcErrorException.class);
    assertThat(unmatched).isEmpty();
  }

  @Test
  void lostConnectionFailsCallsInFlightAtOnceAndTheNextSessionServesNewCalls() throws Exception {
    BrokerConnection broker = broker();
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    confirmSubscribe(c);
    broker.connected().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    HostClient host = broker.host("h1");
    CompletableFuture<JsonElement> inFlight = host.call(RpcCall.of("Host.getStats", null).withTimeout(Duration.ofMinutes(5)));
    c.next("SEND", WAIT);
    c.fin();
    ExecutionException lost = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> inFlight.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(lost.getCause()).isInstanceOf(ConnectionLostException.class);

    FakeStompPeer.Connection again = peer.nextConnection(WAIT);
    confirmSubscribe(again);
    CompletableFuture<JsonElement> next = host.call("Host.getStats", null);
    FakeStompPeer.Frame send = again.next("SEND", WAIT);
    again.write(again.message(REPLIES, "{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":\"" + id(send) + "\"}"));
    assertThat(next.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsInt()).isEqualTo(2);
    assertThat(broker.sessionCount()).isEqualTo(2);
  }

  @Test
  void closingAHostClientLeavesTheSessionOpenAndClosingTheSessionClosesItsHosts() throws Exception {
    BrokerConnection broker = broker();
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    confirmSubscribe(c);
    broker.connected().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    HostClient one = broker.host("h1");
    HostClient two = broker.host("h2");
    assertThat(one.closeAsync().get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(one.state()).isEqualTo(HostClient.State.CLOSED);
    assertThat(broker.isConnected()).isTrue();
    CompletableFuture<JsonElement> pending = two.call("Host.getStats", null);
    c.next("SEND", WAIT);
    CompletableFuture<Boolean> closed = broker.closeAsync();
    FakeStompPeer.Frame disconnect = c.next("DISCONNECT", WAIT);
    assertThat(disconnect.header("receipt")).isNotNull();
    assertThat(closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(two.state()).isEqualTo(HostClient.State.CLOSED);
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> pending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(failed.getCause()).isInstanceOf(ConnectionLostException.class);
  }
}

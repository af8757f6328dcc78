package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.EngineClientBuilder;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostOptions;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * The client against a fake host that behaves like VDSM where VDSM differs from our host: it
 * delivers each answer to every subscription of the reply-to (on every connection), never answers a
 * batch of two or more requests, answers a one-element batch with a bare object, and sends MESSAGE
 * frames without {@code message-id}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VdsmPeerInteropTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private FakeStompPeer peer;
  private final List<EngineClientFactory> factories = new ArrayList<>();
  private final List<JsonRpcResponse> unmatched = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    peer = new FakeStompPeer();
    peer.answerer = VdsmPeerInteropTest::echo;
    peer.vdsmRouting = true;
  }

  @AfterEach
  void stop() throws Exception {
    for (EngineClientFactory f : factories) {
      f.close();
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
        .reconnect(ReconnectPolicy.NEVER)
        .onUnmatchedResponse((host, response) -> unmatched.add(response));
  }

  private HostClient connect(EngineClientBuilder b, HostOptions options) throws Exception {
    EngineClientFactory factory = b.build();
    factories.add(factory);
    return factory.connect("127.0.0.1", peer.port(), options).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Answers each request with {@code "<method>"}; a batch with an array of answers in order. */
  private static String echo(String body) {
    JsonElement parsed = JsonParser.parseString(body);
    if (parsed.isJsonArray()) {
      JsonArray answers = new JsonArray();
      for (JsonElement r : parsed.getAsJsonArray()) {
        answers.add(answer(r.getAsJsonObject()));
      }
      return answers.toString();
    }
    return answer(parsed.getAsJsonObject()).toString();
  }

  private static JsonObject answer(JsonObject request) {
    JsonObject a = new JsonObject();
    a.addProperty("jsonrpc", "2.0");
    a.addProperty("result", request.get("method").getAsString());
    a.add("id", request.get("id"));
    return a;
  }

  private static String result(CompletableFuture<JsonElement> f) throws Exception {
    return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAsString();
  }

  // ---------------------------------------------------------------------------------- reply destinations

  @Test
  void twoConnectionsGetOnlyTheirOwnAnswersByDefault() throws Exception {
    HostClient a = connect(builder(), HostOptions.DEFAULTS);
    HostClient b = connect(builder(), HostOptions.DEFAULTS);
    for (int i = 0; i < 20; i++) {
      assertThat(result(a.call("Host.a" + i, null))).isEqualTo("Host.a" + i);
      assertThat(result(b.call("Host.b" + i, null))).isEqualTo("Host.b" + i);
      assertThat(result(b.irs().call("StorageDomain.b" + i, null))).isEqualTo("StorageDomain.b" + i);
    }
    List<FakeStompPeer.Connection> connections = peer.connections();
    assertThat(connections).hasSize(2);
    String aReplies = connections.get(0).replies(EngineClientFactory.RESPONSES);
    String bReplies = connections.get(1).replies(EngineClientFactory.RESPONSES);
    assertThat(aReplies).startsWith(EngineClientFactory.RESPONSES + ".").isNotEqualTo(bReplies);
    assertThat(connections.get(0).replies(EngineClientFactory.IRS_RESPONSES))
        .isNotEqualTo(connections.get(1).replies(EngineClientFactory.IRS_RESPONSES));
    // The VDSM-like host delivered every answer to its requester only: nothing foreign arrived.
    assertThat(connections.get(0).messages.get()).isEqualTo(20);
    assertThat(connections.get(1).messages.get()).isEqualTo(40);
    for (FakeStompPeer.Connection c : connections) {
      for (FakeStompPeer.Frame send : c.all) {
        if (send.command().equals("SEND")) {
          assertThat(send.header("reply-to")).isIn(
              c.replies(EngineClientFactory.RESPONSES), c.replies(EngineClientFactory.IRS_RESPONSES));
        }
      }
    }
    assertThat(unmatched).isEmpty();
  }

  @Test
  void sharedReplyDestinationsStillWorkAndForeignAnswersAreNoErrors() throws Exception {
    HostClient a = connect(builder().sharedReplyDestinations(true), HostOptions.DEFAULTS);
    HostClient b = connect(builder().sharedReplyDestinations(true), HostOptions.DEFAULTS);
    for (int i = 0; i < 20; i++) {
      assertThat(result(a.call("Host.a" + i, null))).isEqualTo("Host.a" + i);
      assertThat(result(b.call("Host.b" + i, null))).isEqualTo("Host.b" + i);
    }
    // One more call each: answers arrive in order, so every foreign answer before it was handled.
    assertThat(result(a.call("Host.lastA", null))).isEqualTo("Host.lastA");
    assertThat(result(b.call("Host.lastB", null))).isEqualTo("Host.lastB");
    List<FakeStompPeer.Connection> connections = peer.connections();
    assertThat(connections.get(0).next("SEND", WAIT).header("reply-to")).isEqualTo(EngineClientFactory.RESPONSES);
    assertThat(connections.get(1).subscriptions).containsKey(EngineClientFactory.RESPONSES);
    // Each connection received its own 21 answers and the other's 20 or 21; none was an error here.
    assertThat(connections.get(0).messages.get()).isGreaterThanOrEqualTo(41);
    assertThat(connections.get(1).messages.get()).isGreaterThanOrEqualTo(41);
    assertThat(unmatched).isEmpty();
    assertThat(a.pendingCalls()).isZero();
    assertThat(b.pendingCalls()).isZero();
  }

  @Test
  void aLateAnswerOfOurOwnIsStillReportedOnASharedDestination() throws Exception {
    peer.answerer = null;
    HostClient a = connect(builder().sharedReplyDestinations(true), HostOptions.DEFAULTS);
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    CompletableFuture<JsonElement> call = a.call(RpcCall.of("Host.slow").withTimeout(Duration.ofMillis(100)));
    FakeStompPeer.Frame send = c.next("SEND", WAIT);
    assertThatThrownBy(() -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).hasCauseInstanceOf(CallTimeoutException.class);
    String id = JsonParser.parseString(send.bodyText()).getAsJsonObject().get("id").getAsString();
    c.write(c.message(EngineClientFactory.RESPONSES, "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"" + id + "\"}"));
    c.write(c.message(EngineClientFactory.RESPONSES, "{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":\"someone-else\"}"));
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> unmatched.size() == 1);
    assertThat(unmatched.get(0).id().toString()).contains(id);
    // The foreign one is parsed after ours on the same lane: once another call is answered, it is done.
    peer.answerer = VdsmPeerInteropTest::echo;
    assertThat(result(a.call("Host.after", null))).isEqualTo("Host.after");
    assertThat(unmatched).hasSize(1);
  }

  // ---------------------------------------------------------------------------------- batches

  @Test
  void aHostThatDropsBatchesLeavesABatchToItsDeadline() throws Exception {
    peer.dropBatches = true;
    HostClient host = connect(builder(), HostOptions.DEFAULTS);
    List<CompletableFuture<JsonElement>> answers = host.batch(List.of(
        RpcCall.of("Host.a").withTimeout(Duration.ofMillis(300)), RpcCall.of("Host.b").withTimeout(Duration.ofMillis(300))));
    for (CompletableFuture<JsonElement> f : answers) {
      assertThatThrownBy(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(CallTimeoutException.class);
    }
  }

  @Test
  void batchesGoAsSeparateRequestsToAHostThatNeedsIt() throws Exception {
    peer.dropBatches = true;
    HostClient host = connect(builder(), HostOptions.VDSM);
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    List<CompletableFuture<JsonElement>> answers = host.batch(List.of(
        RpcCall.of("Host.a"), RpcCall.of("VM.b").withTimeout(Duration.ofSeconds(5)), RpcCall.of("Host.c").withFlowId("flow-1")));
    assertThat(result(answers.get(0))).isEqualTo("Host.a");
    assertThat(result(answers.get(1))).isEqualTo("VM.b");
    assertThat(result(answers.get(2))).isEqualTo("Host.c");
    List<String> methods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FakeStompPeer.Frame send = c.next("SEND", WAIT);
      JsonElement body = JsonParser.parseString(send.bodyText());
      assertThat(body.isJsonObject()).isTrue();
      methods.add(body.getAsJsonObject().get("method").getAsString());
      // The batch's flow id travels with each of its requests.
      assertThat(send.header("ovirtCorrelationId")).isEqualTo("flow-1");
    }
    assertThat(methods).containsExactly("Host.a", "VM.b", "Host.c");
    List<CompletableFuture<JsonElement>> storage =
        host.irs().batch(List.of(RpcCall.of("StorageDomain.x"), RpcCall.of("Task.y")));
    assertThat(result(storage.get(0))).isEqualTo("StorageDomain.x");
    assertThat(result(storage.get(1))).isEqualTo("Task.y");
    assertThat(host.pendingCalls()).isZero();
  }

  @Test
  void eachCallOfASplitBatchKeepsItsOwnDeadline() throws Exception {
    peer.dropBatches = true;
    peer.answerer = body -> body.contains("Host.never") ? null : echo(body);
    HostClient host = connect(builder(), HostOptions.VDSM);
    List<CompletableFuture<JsonElement>> answers = host.batch(List.of(
        RpcCall.of("Host.never").withTimeout(Duration.ofMillis(200)), RpcCall.of("Host.ok")));
    assertThat(result(answers.get(1))).isEqualTo("Host.ok");
    assertThatThrownBy(() -> answers.get(0).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(CallTimeoutException.class);
  }

  @Test
  void aOneElementBatchIsAcceptedAnsweredAsABareObjectOrAnArray() throws Exception {
    HostClient host = connect(builder(), HostOptions.DEFAULTS);
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    assertThat(result(host.batch(List.of(RpcCall.of("Host.asArray"))).get(0))).isEqualTo("Host.asArray");
    assertThat(JsonParser.parseString(c.next("SEND", WAIT).bodyText()).isJsonArray()).isTrue();
    peer.bareOneElementBatch = true;
    assertThat(result(host.batch(List.of(RpcCall.of("Host.bare"))).get(0))).isEqualTo("Host.bare");
    assertThat(JsonParser.parseString(c.next("SEND", WAIT).bodyText()).isJsonArray()).isTrue();
  }

  // ---------------------------------------------------------------------------------- frames

  @Test
  void messagesWithoutMessageIdAreAccepted() throws Exception {
    peer.omitMessageId = true;
    HostClient host = connect(builder(), HostOptions.DEFAULTS);
    assertThat(result(host.call("Host.ping", null))).isEqualTo("Host.ping");
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    assertThat(c.message(c.replies(EngineClientFactory.RESPONSES), "{}")).asString().doesNotContain("message-id");
  }
}

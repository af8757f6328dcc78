package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * Typed calls against a scriptable fake host: the result arrives as the type whatever the member
 * order of the answer, errors and misfits fail the call as before, and tree calls next to typed
 * ones are not affected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedCallTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  record Nic(String name, int mtu, List<String> addresses) {}

  private FakeStompPeer peer;
  private EngineClientFactory factory;
  private HostClient client;
  private final List<JsonRpcResponse> unmatched = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
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
    client = factory.connect("127.0.0.1", peer.port()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    factory.close();
    peer.close();
  }

  /** Answers with {@code result} for the request's id, members in the order {@code layout} gives. */
  private void answerWith(Function<String, String> layout) {
    peer.answerer = body -> {
      JsonObject request = JsonParser.parseString(body).getAsJsonObject();
      return layout.apply(request.get("id").toString());
    };
  }

  private static final String NIC = "{\"name\":\"ens3\",\"mtu\":1500,\"addresses\":[\"10.0.0.1/24\"]}";
  private static final Nic EXPECTED = new Nic("ens3", 1500, List.of("10.0.0.1/24"));

  @Test
  void anAnswerWithTheIdLastIsReadAsTheType() throws Exception {
    answerWith(id -> "{\"jsonrpc\":\"2.0\",\"result\":" + NIC + ",\"id\":" + id + "}");
    assertThat(client.call(RpcCall.of("Host.nic"), Nic.class).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(EXPECTED);
  }

  @Test
  void anAnswerWithTheIdFirstAsVdsmWritesItIsReadAsTheType() throws Exception {
    answerWith(id -> "{\"jsonrpc\": \"2.0\", \"id\": " + id + ", \"result\": " + NIC + "}");
    assertThat(client.call(RpcCall.of("Host.nic"), Nic.class).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(EXPECTED);
  }

  @Test
  void aGenericTypeIsReadWithItsParameters() throws Exception {
    answerWith(id -> "{\"jsonrpc\":\"2.0\",\"result\":{\"ens3\":" + NIC + "},\"id\":" + id + "}");
    Map<String, Nic> nics = client.call(RpcCall.of("Host.nics"), new TypeToken<Map<String, Nic>>() {})
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(nics).containsExactly(Map.entry("ens3", EXPECTED));
  }

  @Test
  void anAnswerOutsideThePlainShapeIsStillReadAsTheType() throws Exception {
    answerWith(id -> "{\"jsonrpc\":\"2.0\",\"result\":" + NIC + ",\"id\":" + id + ",\"note\":\"extra member\"}");
    assertThat(client.call(RpcCall.of("Host.nic"), Nic.class).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(EXPECTED);
  }

  @Test
  void aResultThatDoesNotFitTheTypeFailsTheCall() {
    answerWith(id -> "{\"jsonrpc\":\"2.0\",\"result\":{\"name\":\"ens3\",\"mtu\":\"large\"},\"id\":" + id + "}");
    CompletableFuture<Nic> call = client.call(RpcCall.of("Host.nic"), Nic.class);
    assertThatThrownBy(() -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(JsonParseException.class);
  }

  @Test
  void aHostErrorFailsATypedCallWithTheError() {
    answerWith(id -> "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"Virtual machine does not exist\"},\"id\":" + id + "}");
    CompletableFuture<Nic> call = client.call(RpcCall.of("VM.getStats"), Nic.class);
    assertThatThrownBy(() -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(JsonRpcErrorException.class);
  }

  @Test
  void treeAndTypedCallsInFlightTogetherEachGetTheirOwnForm() throws Exception {
    answerWith(id -> "{\"jsonrpc\":\"2.0\",\"result\":" + NIC + ",\"id\":" + id + "}");
    CompletableFuture<Nic> typed = client.call(RpcCall.of("Host.nic"), Nic.class);
    var tree = client.call(RpcCall.of("Host.nic"));
    CompletableFuture<Nic> typedIrs = client.irs().call(RpcCall.of("Host.nic"), Nic.class);
    assertThat(typed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(EXPECTED);
    assertThat(tree.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(JsonParser.parseString(NIC));
    assertThat(typedIrs.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(EXPECTED);
    assertThat(client.pendingCalls()).isZero();
    assertThat(unmatched).isEmpty();
  }
}

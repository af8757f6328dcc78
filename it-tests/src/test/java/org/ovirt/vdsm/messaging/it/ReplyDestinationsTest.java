package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostOptions;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * Several engine connections to one host over mutual TLS, each replying on a destination of its own
 * (the default) or on VDSM's shared one: every call gets its own answer and no connection sees an
 * answer it did not ask for as unmatched. Batches sent as separate requests work against our host too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplyDestinationsTest {
  private static final long WAIT_S = 20;

  @TempDir static Path dir;

  static PkiLayout pki;
  static VdsmServer server;
  static final List<EngineClientFactory> factories = new ArrayList<>();
  static final List<JsonRpcResponse> unmatched = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    server = Hosts.start(pki, "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    for (EngineClientFactory f : factories) {
      f.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static HostClient connect(boolean shared, HostOptions options) throws Exception {
    EngineClientFactory factory = EngineClientFactory.builder()
        .pki(pki)
        .defaultTimeout(Duration.ofSeconds(WAIT_S))
        .sharedReplyDestinations(shared)
        .onUnmatchedResponse((h, r) -> unmatched.add(r))
        .build();
    factories.add(factory);
    return factory.connect("127.0.0.1", Hosts.address(server).getPort(), options).get(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void ownSharedAndMixedReplyDestinationsAllGetTheirOwnAnswers() throws Exception {
    List<HostClient> engines = List.of(
        connect(false, HostOptions.DEFAULTS), connect(false, HostOptions.DEFAULTS),
        connect(true, HostOptions.DEFAULTS), connect(true, HostOptions.DEFAULTS));
    List<CompletableFuture<JsonElement>> pings = new ArrayList<>();
    List<CompletableFuture<JsonElement>> sleeps = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      for (HostClient e : engines) {
        pings.add(e.call("Host.ping2", null));
        sleeps.add(e.irs().call(RpcCall.of(Hosts.SLEEP).withParam("ms", 1)));
      }
    }
    for (CompletableFuture<JsonElement> c : pings) {
      assertThat(c.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    }
    for (CompletableFuture<JsonElement> c : sleeps) {
      assertThat(c.get(WAIT_S, TimeUnit.SECONDS).getAsInt()).isEqualTo(1);
    }
    for (HostClient e : engines) {
      assertThat(e.pendingCalls()).isZero();
    }
    assertThat(unmatched).isEmpty();
  }

  @Test
  void batchesAsSeparateRequestsAreAnsweredByOurHostToo() throws Exception {
    HostClient engine = connect(false, HostOptions.VDSM);
    List<CompletableFuture<JsonElement>> answers =
        engine.batch(List.of(RpcCall.of("Host.ping2"), RpcCall.of(Hosts.SLEEP).withParam("ms", 1), RpcCall.of("Host.ping2")));
    assertThat(answers.get(0).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    assertThat(answers.get(1).get(WAIT_S, TimeUnit.SECONDS).getAsInt()).isEqualTo(1);
    assertThat(answers.get(2).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
  }
}

package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException.Reason;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.slf4j.MDC;

/** The legacy XML-RPC host client against a small fake legacy host (JDK HTTP server on loopback). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class XmlRpcHostClientTest {
  private static final long WAIT_S = 10;

  @TempDir Path dir;

  private FakeXmlRpcServer server;
  private EngineClientFactory factory;

  @AfterEach
  void stop() {
    if (factory != null) {
      factory.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private HostClient plain() throws Exception {
    server = new FakeXmlRpcServer();
    factory = EngineClientFactory.builder().plaintext().defaultTimeout(Duration.ofSeconds(WAIT_S)).workerThreads(2).build();
    return factory.openXmlRpc("127.0.0.1", server.port());
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(WAIT_S, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    return f.handle((r, t) -> t).join();
  }

  @Test
  void pingIsTrueAndTheFlowIdTravelsAsHeader() throws Exception {
    HostClient host = plain();
    assertThat(host.call(RpcCall.of("Host.ping2").withFlowId("flow-1")).get(WAIT_S, TimeUnit.SECONDS))
        .isEqualTo(new JsonPrimitive(true));
    FakeXmlRpcServer.Request r = server.requests.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(r.verb()).isEqualTo("ping");
    assertThat(r.flowId()).isEqualTo("flow-1");
    assertThat(r.contentType()).startsWith("text/xml");
    MDC.put(HostClient.FLOW_ID_MDC_KEY, "from-mdc");
    try {
      host.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS);
    } finally {
      MDC.remove(HostClient.FLOW_ID_MDC_KEY);
    }
    assertThat(server.requests.poll(WAIT_S, TimeUnit.SECONDS).flowId()).isEqualTo("from-mdc");
  }

  @Test
  void payloadMembersBecomeTheResult() throws Exception {
    HostClient host = plain();
    server.answerer = r -> FakeXmlRpcServer.Answer.ok(switch (r.verb()) {
      case "getVdsCapabilities" -> FakeXmlRpcServer.legacyResult(0, "Done", "info",
          "<value><struct><member><name>cpuCores</name><value><string>4</string></value></member></struct></value>");
      case "getVmStats" -> FakeXmlRpcServer.legacyResult(0, "Done", "statsList",
          "<value><array><data><value><struct><member><name>status</name><value>Up</value></member></struct></value></data></array></value>");
      default -> FakeXmlRpcServer.legacyResult(0, "Done", null, null);
    });
    assertThat(host.call("Host.getCapabilities", null).get(WAIT_S, TimeUnit.SECONDS))
        .isEqualTo(JsonParser.parseString("{\"cpuCores\":\"4\"}"));
    JsonObject p = new JsonObject();
    p.addProperty("vmID", "vm-1");
    assertThat(host.call("VM.getStats", p).get(WAIT_S, TimeUnit.SECONDS))
        .isEqualTo(JsonParser.parseString("[{\"status\":\"Up\"}]"));
    server.requests.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(server.requests.poll(WAIT_S, TimeUnit.SECONDS).body())
        .contains("<methodName>getVmStats</methodName><params><param><value><string>vm-1</string></value></param></params>");
  }

  @Test
  void createCarriesTheVmIdInsideVmParams() throws Exception {
    HostClient host = plain();
    server.answerer = r -> FakeXmlRpcServer.Answer.ok(FakeXmlRpcServer.legacyResult(0, "Done", "vmList",
        "<value><struct><member><name>vmId</name><value>v1</value></member></struct></value>"));
    JsonElement created = host.call(RpcCall.of("VM.create").withParam("vmID", "v1").withParam("vmParams", java.util.Map.of("memSize", 1024)))
        .get(WAIT_S, TimeUnit.SECONDS);
    assertThat(created).isEqualTo(JsonParser.parseString("{\"vmId\":\"v1\"}"));
    String body = server.requests.poll(WAIT_S, TimeUnit.SECONDS).body();
    assertThat(body).contains("<methodName>create</methodName>").contains("<name>vmId</name><value><string>v1</string></value>");
  }

  @Test
  void aNonZeroStatusIsAJsonRpcErrorWithThatCode() throws Exception {
    HostClient host = plain();
    server.answerer = r -> FakeXmlRpcServer.Answer.ok(FakeXmlRpcServer.legacyResult(1, "Virtual machine does not exist", null, null));
    Throwable failure = failureOf(host.call(RpcCall.of("VM.destroy").withParam("vmID", "nope")));
    assertThat(failure).isInstanceOf(JsonRpcErrorException.class);
    assertThat(((JsonRpcErrorException) failure).code()).isEqualTo(1);
    assertThat(((JsonRpcErrorException) failure).error().message()).isEqualTo("Virtual machine does not exist");
  }

  @Test
  void aFaultIsAJsonRpcErrorWithTheFaultCode() throws Exception {
    HostClient host = plain();
    server.answerer = r -> FakeXmlRpcServer.Answer.ok(FakeXmlRpcServer.fault(-32601, "Method not found: ping"));
    Throwable failure = failureOf(host.call("Host.ping2", null));
    assertThat(((JsonRpcErrorException) failure).code()).isEqualTo(-32601);
  }

  @Test
  void anUnmappedMethodFailsWithoutARequest() throws Exception {
    HostClient host = plain();
    Throwable failure = failureOf(host.call("Host.echo", null));
    assertThat(((JsonRpcErrorException) failure).code()).isEqualTo(-32601);
    assertThat(failure).hasMessageContaining("Host.echo");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void httpErrorsAndGarbageAreProtocolFailures() throws Exception {
    HostClient host = plain();
    server.answerer = r -> new FakeXmlRpcServer.Answer(500, "oops");
    assertThat(((ConnectionLostException) failureOf(host.call("Host.ping2", null))).reason()).isEqualTo(Reason.PROTOCOL);
    server.answerer = r -> FakeXmlRpcServer.Answer.ok("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'e'>]><methodResponse/>");
    assertThat(((ConnectionLostException) failureOf(host.call("Host.ping2", null))).reason()).isEqualTo(Reason.PROTOCOL);
    server.answerer = r -> FakeXmlRpcServer.Answer.ok("<methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>");
    assertThat(failureOf(host.call("Host.ping2", null))).hasMessageContaining("not a legacy result");
  }

  @Test
  void anOversizedResponseIsRefused() throws Exception {
    server = new FakeXmlRpcServer();
    factory = EngineClientFactory.builder().plaintext().maxXmlRpcResponseBytes(1024).workerThreads(2).build();
    HostClient host = factory.openXmlRpc("127.0.0.1", server.port());
    String big = "x".repeat(4096);
    server.answerer = r -> FakeXmlRpcServer.Answer.ok(FakeXmlRpcServer.legacyResult(0, "Done", "info", "<value>" + big + "</value>"));
    Throwable failure = failureOf(host.call("Host.getStats", null));
    assertThat(failure).isInstanceOf(ConnectionLostException.class).hasMessageContaining("limit");
  }

  @Test
  void aSlowHostTimesOutWith5022() throws Exception {
    HostClient host = plain();
    CountDownLatch release = new CountDownLatch(1);
    server.answerer = r -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FakeXmlRpcServer.Answer.ok(FakeXmlRpcServer.legacyResult(0, "Done", null, null));
    };
    try {
      long t0 = System.nanoTime();
      Throwable failure = failureOf(host.call(RpcCall.of("Host.ping2").withTimeout(Duration.ofMillis(300))));
      assertThat(failure).isInstanceOf(CallTimeoutException.class);
      assertThat(((CallTimeoutException) failure).code()).isEqualTo(5022);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(290L, 5_000L);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> host.pendingCalls() == 0);
    } finally {
      release.countDown();
    }
  }

  @Test
  void nothingListeningIsAConnectFailure() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    factory = EngineClientFactory.builder().plaintext().workerThreads(2).build();
    HostClient host = factory.openXmlRpc("127.0.0.1", port);
    Throwable failure = failureOf(host.call("Host.ping2", null));
    assertThat(((ConnectionLostException) failure).reason()).isEqualTo(Reason.CONNECT_FAILED);
  }

  @Test
  void batchesAreSentCallByCallAndEventsAreRefused() throws Exception {
    HostClient host = plain();
    List<CompletableFuture<JsonElement>> answers = host.batch(List.of(RpcCall.of("Host.ping2"), RpcCall.of("Host.ping2")));
    for (CompletableFuture<JsonElement> a : answers) {
      assertThat(a.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    }
    assertThat(server.requests).hasSize(2);
    assertThat(host.irs()).isSameAs(host);
    assertThatThrownBy(() -> host.subscribe("*|virt|*|*", e -> {})).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void closeFailsLaterCalls() throws Exception {
    HostClient host = plain();
    host.close();
    assertThat(host.state()).isEqualTo(HostClient.State.CLOSED);
    assertThat(((ConnectionLostException) failureOf(host.call("Host.ping2", null))).reason()).isEqualTo(Reason.CLIENT_CLOSED);
  }

  // ------------------------------------------------------------------------------ HTTPS

  @Test
  void mutualTlsWithTheHostCertificateCheckedAgainstTheAddress() throws Exception {
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of(), KeyType.EC_P256);
    server = new FakeXmlRpcServer(InetAddress.getByName("127.0.0.1"), pki);
    factory = EngineClientFactory.builder().pki(pki).workerThreads(2).build();
    HostClient host = factory.openXmlRpc("127.0.0.1", server.port());
    assertThat(host.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
  }

  @Test
  void aHostCertificateForAnotherNameIsRefusedUnlessVerificationIsOff() throws Exception {
    // 127.0.0.2 is loopback on Linux but not in the generated certificate (localhost, 127.0.0.1, ::1).
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of(), KeyType.EC_P256);
    server = new FakeXmlRpcServer(InetAddress.getByName("127.0.0.2"), pki);
    factory = EngineClientFactory.builder().pki(pki).workerThreads(2).build();
    HostClient checked = factory.openXmlRpc("127.0.0.2", server.port());
    Throwable failure = failureOf(checked.call("Host.ping2", null));
    assertThat(((ConnectionLostException) failure).reason()).isEqualTo(Reason.TLS);

    try (EngineClientFactory insecure = EngineClientFactory.builder().pki(pki).verifyHostName(false).workerThreads(2).build()) {
      HostClient unchecked = insecure.openXmlRpc("127.0.0.2", server.port());
      assertThat(unchecked.call("Host.ping2", null).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(true));
    }
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcClient;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcResponse;
import org.ovirt.vdsm.jsonrpc.client.RequestBuilder;
import org.ovirt.vdsm.jsonrpc.client.events.EventSubscriber;
import org.ovirt.vdsm.jsonrpc.client.internal.ClientPolicy;
import org.ovirt.vdsm.jsonrpc.client.internal.ResponseWorker;
import org.ovirt.vdsm.jsonrpc.client.reactors.ManagerProvider;
import org.ovirt.vdsm.jsonrpc.client.reactors.Reactor;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorClient;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorFactory;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorType;
import org.ovirt.vdsm.jsonrpc.client.reactors.stomp.StompClientPolicy;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.Pem;

/**
 * The oVirt engine's own client library ({@code vdsm-jsonrpc-java-client} 1.7.4), a peer nobody
 * here wrote, against vdsm-server over mutual TLS: calls, an error, and VM_status events through
 * its event publisher. Runs in its own JVM (the library keeps JVM-wide singletons).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OvirtEngineClientCompatibilityTest {
  private static final int WAIT_S = 30;

  @TempDir static Path dir;
  static TestHost host;
  static Reactor reactor;
  static ResponseWorker worker;
  static JsonRpcClient client;

  @BeforeAll
  static void connect() throws Exception {
    host = TestHost.startTls(dir);
    reactor = ReactorFactory.getReactor(provider(host.pki), ReactorType.STOMP);
    ReactorClient reactorClient = reactor.createClient("localhost", host.port());
    StompClientPolicy policy = new StompClientPolicy(
        10_000, 1, 10_000, IOException.class, "jms.topic.vdsm_requests", "jms.topic.vdsm_responses");
    policy.setEventQueue("jms.queue.events");
    reactorClient.setClientPolicy(policy);
    worker = ReactorFactory.getWorker(4);
    client = worker.register(reactorClient);
    ClientPolicy calls = new ClientPolicy(WAIT_S * 1000, 1, 10_000, IOException.class);
    client.setRetryPolicy(calls);
  }

  @AfterAll
  static void close() {
    if (client != null) {
      client.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (reactor != null) {
      reactor.close();
    }
    if (host != null) {
      host.close();
    }
  }

  private static ManagerProvider provider(PkiLayout pki) throws Exception {
    PrivateKey key = Pem.readPrivateKey(pki.engineKey());
    List<X509Certificate> chain = Pem.readCertificates(pki.engineCert());
    X509Certificate ca = Pem.readCertificate(pki.caCert());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("engine", key, new char[0], chain.toArray(Certificate[]::new));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    return new ManagerProvider() {
      @Override
      public KeyManager[] getKeyManagers() throws java.security.GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        return kmf.getKeyManagers();
      }

      @Override
      public TrustManager[] getTrustManagers() throws java.security.GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
      }
    };
  }

  @Test
  void getCapabilitiesIsAnswered() throws Exception {
    JsonRpcResponse r = client.call(new RequestBuilder("Host.getCapabilities").build()).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(r.getError()).isNull();
    assertThat(r.getResult().get("version_name").asText()).isEqualTo("vdsm-messaging");
    assertThat(r.getResult().get("cpuThreads").asText()).isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void echoWithParametersIsAnswered() throws Exception {
    JsonRpcResponse r = client.call(new RequestBuilder("Host.echo").withParameter("message", "from the engine").build())
        .get(WAIT_S, TimeUnit.SECONDS);
    assertThat(r.getResult().asText()).isEqualTo("from the engine");
  }

  @Test
  void unknownMethodComesBackAsAnError() throws Exception {
    JsonRpcResponse r = client.call(new RequestBuilder("Host.noSuchVerb").build()).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(r.getError()).isNotNull();
    assertThat(r.getError().get("code").asInt()).isEqualTo(-32601);
    assertThat(r.getError().get("message").asText()).contains("Host.noSuchVerb");
  }

  @Test
  void vmStatusEventsReachTheEnginesEventPublisher() throws Exception {
    BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
    worker.getPublisher().subscribe(new EventSubscriber("localhost|virt|VM_status|*") {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(Map<String, Object> event) {
        events.add(event);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    });
    // The engine's client subscribes to events on connect; a call makes sure it is connected.
    client.call(new RequestBuilder("Host.ping2").build()).get(WAIT_S, TimeUnit.SECONDS);
    String vmId = "6d4d4d0e-0000-4000-8000-000000000001";
    Map<String, Object> event = null;
    for (int attempt = 0; attempt < 50 && event == null; attempt++) {
      JsonObject params = new JsonObject();
      JsonObject vm = new JsonObject();
      vm.addProperty("status", "Up");
      params.add(vmId, vm);
      host.server.events().publish("virt", "VM_status", vmId, params);
      event = events.poll(200, TimeUnit.MILLISECONDS);
    }
    assertThat(event).as("a VM_status event through the engine's publisher").isNotNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) event.get(vmId);
    assertThat(status.get("status")).isEqualTo("Up");
    assertThat(event).containsKey("notify_time");
  }
}

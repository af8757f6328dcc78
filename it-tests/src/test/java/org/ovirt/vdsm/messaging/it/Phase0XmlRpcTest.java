package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ovirt.vdsm.messaging.it.LegacyClients.call;
import static org.ovirt.vdsm.messaging.it.LegacyClients.status;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.server.api.HostApi;
import org.ovirt.vdsm.messaging.server.api.HostFacts;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcBinding;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcFault;
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;
import org.slf4j.LoggerFactory;

/**
 * Phase 0 end to end: the legacy XML-RPC API over HTTP, called by a real XML-RPC client nobody here
 * wrote (Apache XML-RPC 3.1.3; Python's {@code xmlrpc.client} too when {@code python3} is
 * installed), over mutual TLS on the port STOMP uses, and over plain HTTP when TLS is off.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Phase0XmlRpcTest {
  private static final long WAIT_S = 20;

  @TempDir static Path dir;

  static TestHost tlsHost;
  static TestHost plainHost;
  static SSLContext engineTls;

  @BeforeAll
  static void start() throws Exception {
    tlsHost = TestHost.startTls(dir.resolve("tls"));
    plainHost = TestHost.start(dir.resolve("plain"), c -> c.withTlsMode(TlsMode.OFF));
    engineTls = JdkSslContexts.engine(tlsHost.pki);
  }

  @AfterAll
  static void stop() {
    for (TestHost h : new TestHost[] {tlsHost, plainHost}) {
      if (h != null) {
        h.close();
      }
    }
  }

  private static void assertDone(Map<String, Object> result) {
    assertThat(status(result)).containsEntry("code", 0).containsEntry("message", "Done");
  }

  @SuppressWarnings("unchecked")
  private static void assertCapabilities(Map<String, Object> result) {
    assertDone(result);
    Map<String, Object> info = (Map<String, Object>) result.get("info");
    assertThat(info.get("cpuThreads")).isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
    assertThat(info.get("version_name")).isEqualTo(HostApi.VERSION_NAME);
    assertThat((String) info.get("hostname")).isNotBlank();
    assertThat((Map<String, Object>) info.get("operatingSystem")).containsKey("name");
    assertThat((Object[]) info.get("clusterLevels")).isNotEmpty();
  }

  @Test
  void pingOverMutualTls() throws Exception {
    XmlRpcClient client = LegacyClients.apache(tlsHost.xmlRpcUrl(true), engineTls);
    Map<String, Object> result = call(client, "ping");
    assertThat(result).containsOnlyKeys("status");
    assertDone(result);
  }

  @Test
  void getVdsCapabilitiesOverMutualTls() throws Exception {
    assertCapabilities(call(LegacyClients.apache(tlsHost.xmlRpcUrl(true), engineTls), "getVdsCapabilities"));
  }

  @Test
  void manyCallsOnOneKeptAliveClient() throws Exception {
    XmlRpcClient client = LegacyClients.apache(tlsHost.xmlRpcUrl(true), engineTls);
    for (int i = 0; i < 20; i++) {
      assertDone(call(client, i % 2 == 0 ? "ping" : "getVdsCapabilities"));
    }
  }

  @Test
  void pingAndCapabilitiesOverPlainHttpWhenTlsIsOff() throws Exception {
    XmlRpcClient client = LegacyClients.apache(plainHost.xmlRpcUrl(false), null);
    assertDone(call(client, "ping"));
    assertCapabilities(call(client, "getVdsCapabilities"));
  }

  @Test
  void clientWithoutCertificateIsRefused() throws Exception {
    SSLContext trustOnly = JdkSslContexts.of(null, null, tlsHost.pki.caCert());
    XmlRpcClient client = LegacyClients.apache(tlsHost.xmlRpcUrl(true), trustOnly);
    assertThatThrownBy(() -> call(client, "ping")).isInstanceOf(XmlRpcException.class);
  }

  @Test
  void unknownVerbIsAFault() throws Exception {
    XmlRpcClient client = LegacyClients.apache(tlsHost.xmlRpcUrl(true), engineTls);
    assertThatThrownBy(() -> call(client, "noSuchVerb"))
        .isInstanceOfSatisfying(XmlRpcException.class, e -> {
          assertThat(e.code).isEqualTo(XmlRpcFault.METHOD_NOT_FOUND);
          assertThat(e.getMessage()).contains("noSuchVerb");
        });
  }

  @Test
  void mappedVerbWithoutItsMethodIsACleanFault() throws Exception {
    // A host that has only the Host.* methods of today, whatever the default API grows into.
    MethodRegistry methods = new MethodRegistry();
    HostApi hostApi = new HostApi(new HostFacts(), "test");
    methods.register("Host.ping2", java.util.List.of(), p -> null);
    methods.register("Host.getCapabilities", java.util.List.of(), p -> hostApi.capabilities());
    try (TestHost host = TestHost.start(dir.resolve("bare"), methods, c -> c)) {
      XmlRpcClient client = LegacyClients.apache(host.xmlRpcUrl(true), JdkSslContexts.engine(host.pki));
      for (String verb : new String[] {"getVdsStats", "list", "getAllVmStats"}) {
        assertThatThrownBy(() -> call(client, verb))
            .isInstanceOfSatisfying(XmlRpcException.class, e -> {
              assertThat(e.code).isEqualTo(XmlRpcFault.METHOD_NOT_FOUND);
              assertThat(e.getMessage()).contains(verb).contains("not available");
            });
      }
      assertDone(call(client, "ping")); // the connection and the host are fine
    }
  }

  /** Collects the events of one logger, with their MDC. */
  static final class Collector extends AppenderBase<ILoggingEvent> {
    final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
    }
  }

  @Test
  void flowIdHeaderIsTheFlowIdOfTheCall() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(XmlRpcBinding.class);
    Level before = logger.getLevel();
    Collector collector = new Collector();
    collector.start();
    logger.addAppender(collector);
    logger.setLevel(Level.DEBUG);
    try {
      XmlRpcClient client = LegacyClients.apache(tlsHost.xmlRpcUrl(true), engineTls, "phase0-flow-7");
      assertDone(call(client, "ping"));
      // The answer is logged (with the MDC) before it is sent: no waiting needed.
      assertThat(collector.events)
          .filteredOn(e -> e.getFormattedMessage().contains("answered"))
          .extracting(e -> e.getMDCPropertyMap().get("ovirtCorrelationId"))
          .contains("phase0-flow-7");
    } finally {
      logger.detachAppender(collector);
      logger.setLevel(before);
    }
  }

  @Test
  void xmlRpcOffAnswers501SayingItIsNoLongerSupported() throws Exception {
    try (TestHost host = TestHost.start(dir.resolve("off"), c -> c.withTlsMode(TlsMode.OFF).withXmlRpcEnabled(false))) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(WAIT_S)).build();
      HttpRequest post = HttpRequest.newBuilder(URI.create(host.xmlRpcUrl(false)))
          .timeout(Duration.ofSeconds(WAIT_S))
          .header("Content-Type", "text/xml")
          .POST(HttpRequest.BodyPublishers.ofString("<methodCall><methodName>ping</methodName></methodCall>"))
          .build();
      HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(501);
      assertThat(response.body()).contains("XML-RPC is no longer supported");
      XmlRpcClient apache = LegacyClients.apache(host.xmlRpcUrl(false), null);
      assertThatThrownBy(() -> call(apache, "ping")).isInstanceOf(XmlRpcException.class).hasMessageContaining("Not Implemented");
    }
  }

  @Test
  void pythonXmlRpcClientOverMutualTls() throws Exception {
    Assumptions.assumeTrue(pythonAvailable(), "python3 is not installed");
    String script = String.join("\n",
        "import json, ssl, sys, xmlrpc.client",
        "ctx = ssl.create_default_context(cafile=sys.argv[2])",
        "ctx.load_cert_chain(sys.argv[3], sys.argv[4])",
        "host = xmlrpc.client.ServerProxy(sys.argv[1], context=ctx)",
        "caps = host.getVdsCapabilities()",
        "try:",
        "    host.noSuchVerb()",
        "    fault = None",
        "except xmlrpc.client.Fault as f:",
        "    fault = f.faultCode",
        "print(json.dumps({'ping': host.ping(), 'caps': caps['status'], 'cpuThreads': caps['info']['cpuThreads'],",
        "                  'fault': fault}))");
    Path file = Files.writeString(dir.resolve("client.py"), script);
    Process p = new ProcessBuilder("python3", file.toString(), tlsHost.xmlRpcUrl(true),
            tlsHost.pki.caCert().toString(), tlsHost.pki.engineCert().toString(), tlsHost.pki.engineKey().toString())
        .redirectErrorStream(true)
        .start();
    assertThat(p.waitFor(WAIT_S, TimeUnit.SECONDS)).as("python finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).as(out).isZero();
    JsonObject json = JsonParser.parseString(out.substring(out.lastIndexOf('\n') + 1)).getAsJsonObject();
    assertThat(json.getAsJsonObject("ping").getAsJsonObject("status").get("code").getAsInt()).isZero();
    assertThat(json.getAsJsonObject("caps").get("message").getAsString()).isEqualTo("Done");
    assertThat(json.get("cpuThreads").getAsString()).isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
    assertThat(json.get("fault").getAsInt()).isEqualTo(XmlRpcFault.METHOD_NOT_FOUND);
  }

  private static boolean pythonAvailable() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import ssl, xmlrpc.client").redirectErrorStream(true).start();
      if (!p.waitFor(WAIT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

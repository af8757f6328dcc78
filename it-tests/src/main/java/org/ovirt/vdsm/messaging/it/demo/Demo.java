package org.ovirt.vdsm.messaging.it.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;

/**
 * The quick-start demo: a fresh PKI in a temporary directory, a host server on a free loopback
 * port, and a short engine session against it over mutual TLS, printed step by step; then phase 5
 * ({@link BrokerDemo}): the same engine and host through an external broker, the host's storage in
 * a process of its own. Leaves nothing behind.
 */
public final class Demo {
  private final PrintStream out;

  public Demo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "demo-logback.xml");
    }
    System.exit(new Demo(System.out).run());
  }

  public int run() throws Exception {
    Path dir = Files.createTempDirectory("vdsm-demo-pki");
    try {
      int direct = session(dir);
      return direct != 0 ? direct : new BrokerDemo(out).run(dir.resolve("phase5"));
    } finally {
      deleteTree(dir);
    }
  }

  private int session(Path dir) throws Exception {
    long t0 = System.nanoTime();
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.RSA_2048);
    step("PKI", "new CA, host and engine certificates (RSA 2048) in " + dir + " (" + ms(t0) + " ms)");

    VdsmServerConfig config = VdsmServerConfig.tls("127.0.0.1", 0, pki);
    try (VdsmServer server = VdsmServer.withDefaultApi(config)) {
      InetSocketAddress bound = server.start();
      step("server", "vdsm-server listening on 127.0.0.1:" + bound.getPort()
          + " (mutual TLS, provider " + TlsContexts.provider() + ")");

      try (EngineClientFactory factory = EngineClientFactory.builder().pki(pki).defaultTimeout(Duration.ofSeconds(10)).build()) {
        long c0 = System.nanoTime();
        HostClient host = factory.connect("localhost", bound.getPort()).get();
        try {
          step("connect", "TLS handshake + STOMP CONNECT + SUBSCRIBE in " + ms(c0) + " ms");

          timed("Host.ping2", host, null);
          JsonObject echo = new JsonObject();
          echo.addProperty("message", "hello from the engine");
          timed("Host.echo", host, echo);
          JsonElement caps = timed("Host.getCapabilities", host, null);
          out.println(indent(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(caps)));
          try {
            host.call("Host.noSuchMethod", null).get();
            step("Host.noSuchMethod", "unexpectedly answered");
            return 1;
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof JsonRpcErrorException rpc)) {
              throw e;
            }
            step("Host.noSuchMethod", "error " + rpc.code() + " \"" + rpc.error().message() + "\" (as expected)");
          }
        } finally {
          boolean confirmed = host.disconnect(Duration.ofSeconds(2));
          step("disconnect", "UNSUBSCRIBE + DISCONNECT, " + (confirmed ? "receipt received" : "no receipt"));
        }
      }
    }
    step("server", "stopped; total " + ms(t0) + " ms");
    return 0;
  }

  private JsonElement timed(String method, HostClient host, JsonObject params) throws Exception {
    long t = System.nanoTime();
    JsonElement result = host.call(method, params).get();
    String shown = result.isJsonObject() ? "{...} (" + result.getAsJsonObject().size() + " members)" : result.toString();
    step(method, shown + " in " + String.format("%.2f", (System.nanoTime() - t) / 1e6) + " ms");
    return result;
  }

  private void step(String what, String detail) {
    out.printf("%-20s %s%n", what, detail);
  }

  private static String indent(String json) {
    return json.lines().map(l -> "                     " + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

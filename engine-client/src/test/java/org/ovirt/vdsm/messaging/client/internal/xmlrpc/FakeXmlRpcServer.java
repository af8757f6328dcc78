package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * A small legacy host for tests: the JDK's HTTP(S) server on loopback answering {@code POST /RPC2}
 * through a function of the verb, recording every request (verb, body, FlowID header). With a PKI it
 * serves HTTPS with the host certificate and requires a client certificate of the CA.
 */
public final class FakeXmlRpcServer implements AutoCloseable {
  /** One request as received. */
  public record Request(String verb, String body, String flowId, String contentType) {}

  /** An answer: HTTP status and body. */
  public record Answer(int status, String body) {
    public static Answer ok(String xml) {
      return new Answer(200, xml);
    }
  }

  private static final Pattern METHOD = Pattern.compile("<methodName>([^<]*)</methodName>");

  public final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  public volatile Function<Request, Answer> answerer = r -> Answer.ok(legacyResult(0, "Done", null, null));
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  public FakeXmlRpcServer() throws IOException {
    this(InetAddress.getLoopbackAddress(), null);
  }

  public FakeXmlRpcServer(InetAddress bind, PkiLayout pki) throws IOException {
    InetSocketAddress address = new InetSocketAddress(bind, 0);
    if (pki == null) {
      server = HttpServer.create(address, 16);
    } else {
      HttpsServer https = HttpsServer.create(address, 16);
      SSLContext tls = serverContext(pki);
      https.setHttpsConfigurator(new HttpsConfigurator(tls) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = tls.getDefaultSSLParameters();
          p.setNeedClientAuth(true);
          params.setSSLParameters(p);
        }
      });
      server = https;
    }
    server.createContext("/RPC2", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Matcher m = METHOD.matcher(body);
    Request r = new Request(m.find() ? m.group(1) : null, body,
        exchange.getRequestHeaders().getFirst("FlowID"), exchange.getRequestHeaders().getFirst("Content-Type"));
    requests.add(r);
    Answer a = answerer.apply(r);
    byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml");
    exchange.sendResponseHeaders(a.status(), out.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(out);
    }
  }

  /** A legacy result struct: status {code, message} and optionally one payload member (raw XML value). */
  public static String legacyResult(int code, String message, String member, String valueXml) {
    StringBuilder sb = new StringBuilder("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n")
        .append("<member><name>status</name><value><struct>")
        .append("<member><name>code</name><value><int>").append(code).append("</int></value></member>")
        .append("<member><name>message</name><value><string>").append(message).append("</string></value></member>")
        .append("</struct></value></member>\n");
    if (member != null) {
      sb.append("<member><name>").append(member).append("</name>").append(valueXml).append("</member>\n");
    }
    return sb.append("</struct></value>\n</param>\n</params>\n</methodResponse>\n").toString();
  }

  public static String fault(int code, String message) {
    return "<?xml version='1.0'?><methodResponse><fault><value><struct>"
        + "<member><name>faultCode</name><value><int>" + code + "</int></value></member>"
        + "<member><name>faultString</name><value><string>" + message + "</string></value></member>"
        + "</struct></value></fault></methodResponse>";
  }

  private static SSLContext serverContext(PkiLayout pki) throws IOException {
    try {
      List<X509Certificate> chain = Pem.readCertificates(pki.hostCert());
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("host", Pem.readPrivateKey(pki.hostKey()), new char[0], chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", Pem.readCertificate(pki.caCert()));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}

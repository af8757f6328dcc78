package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;

/**
 * A JDK {@link SSLContext} for the legacy HTTPS transport from the engine's PEM files: presents the
 * engine certificate, trusts only the CA (never the system's CAs), TLS 1.3 and 1.2 only. Host name
 * verification is done by the HTTP client (endpoint identification {@code HTTPS}) when enabled; when
 * disabled the trust manager checks the chain only.
 */
public final class JdkTls {
  /**
   * The HTTP/1.1 client of legacy XML-RPC hosts: no redirects, {@code connectTimeout}, callbacks on
   * {@code executor}, and mutual TLS with {@code pki} (host names verified when {@code
   * verifyHostName}) unless {@code pki} is {@code null} (plain HTTP).
   */
  public static HttpClient httpClient(PkiLayout pki, boolean verifyHostName, Duration connectTimeout, Executor executor)
      throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(requireNonNull(connectTimeout, "connectTimeout"))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(requireNonNull(executor, "executor"));
    if (pki != null) {
      b.sslContext(context(pki, verifyHostName)).sslParameters(parameters());
    }
    return b.build();
  }

  private JdkTls() {}

  /** The protocols offered, as the STOMP transport's. */
  public static SSLParameters parameters() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(TlsContexts.PROTOCOLS.toArray(String[]::new));
    return p;
  }

  /**
   * Builds the context.
   *
   * @param verifyHostName whether the host certificate must match the host name or address
   * @throws IOException when the PEM files cannot be read or do not fit together
   */
  public static SSLContext context(PkiLayout pki, boolean verifyHostName) throws IOException {
    requireNonNull(pki, "pki");
    List<X509Certificate> chain = Pem.readCertificates(pki.engineCert());
    PrivateKey key = Pem.readPrivateKey(pki.engineKey());
    List<X509Certificate> anchors = Pem.readCertificates(pki.caCert());
    try {
      char[] password = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("engine", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        trust.setCertificateEntry("ca-" + i, anchors.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      X509ExtendedTrustManager pkix = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          pkix = x;
        }
      }
      if (pkix == null) {
        throw new GeneralSecurityException("no X509ExtendedTrustManager");
      }
      TrustManager effective = verifyHostName ? pkix : new ChainOnly(pkix);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), new TrustManager[] {effective}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the TLS context from " + pki.root() + ": " + e.getMessage(), e);
    }
  }

  /** Checks the host's chain against the CA, never its name (the explicit opt-out). */
  private static final class ChainOnly extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    ChainOnly(X509ExtendedTrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}

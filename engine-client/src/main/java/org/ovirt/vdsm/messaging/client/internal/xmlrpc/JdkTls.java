package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.ovirt.vdsm.messaging.tls.PeerCertificateCheck;
import org.ovirt.vdsm.messaging.tls.ReloadingSslContext;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.tls.TlsMaterial;

/**
 * A JDK {@link SSLContext} for the legacy HTTPS transport with the engine's TLS material as {@link
 * ReloadingSslContext} holds it at each handshake: presents the engine certificate, trusts only the
 * CA (never the system's CAs) and checks peers with {@link PeerCertificateCheck} (validity, chain,
 * revocation list), TLS 1.3 and 1.2 only. After a reload, the next connection the HTTP client makes
 * uses the new material. Host name verification is done by the HTTP client (endpoint identification
 * {@code HTTPS}) when enabled; when disabled the trust manager checks the chain only.
 */
public final class JdkTls {
  /**
   * The HTTP/1.1 client of legacy XML-RPC hosts: no redirects, {@code connectTimeout}, callbacks on
   * {@code executor}, and mutual TLS with {@code tls} (host names verified when {@code
   * verifyHostName}) unless {@code tls} is {@code null} (plain HTTP).
   */
  public static HttpClient httpClient(ReloadingSslContext tls, boolean verifyHostName, Duration connectTimeout, Executor executor)
      throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(requireNonNull(connectTimeout, "connectTimeout"))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(requireNonNull(executor, "executor"));
    if (tls != null) {
      b.sslContext(context(tls, verifyHostName)).sslParameters(parameters());
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
   * @throws IOException when the JDK cannot make a TLS context
   */
  public static SSLContext context(ReloadingSslContext tls, boolean verifyHostName) throws IOException {
    requireNonNull(tls, "tls");
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new X509ExtendedKeyManager[] {new CurrentKey(tls)},
          new TrustManager[] {new CurrentTrust(tls, verifyHostName)},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Presents the certificate of the material current at the handshake. The alias names the
   * material, so the key and the chain the JDK asks for next always belong together, even when a
   * reload happens in between.
   */
  private static final class CurrentKey extends X509ExtendedKeyManager {
    private final ReloadingSslContext tls;
    private final Map<String, TlsMaterial> recent = new ConcurrentHashMap<>();

    CurrentKey(ReloadingSslContext tls) {
      this.tls = tls;
    }

    private String alias(String[] keyTypes) {
      TlsMaterial material = tls.material();
      String algorithm = material.key().getAlgorithm();
      for (String type : keyTypes) {
        if (algorithm.equalsIgnoreCase(type)) {
          String alias = "engine-" + Integer.toHexString(System.identityHashCode(material));
          if (recent.size() > 8) {
            recent.clear(); // only the aliases of handshakes in progress matter
          }
          recent.put(alias, material);
          return alias;
        }
      }
      return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return alias(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return alias(keyTypes);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      TlsMaterial material = recent.get(alias);
      return material == null ? null : material.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      TlsMaterial material = recent.get(alias);
      return material == null ? null : material.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      String alias = alias(new String[] {keyType});
      return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /**
   * Checks the host with the current material's CA and CRL; without host name verification, the
   * chain only (the explicit opt-out).
   */
  private static final class CurrentTrust extends X509ExtendedTrustManager {
    private final ReloadingSslContext tls;
    private final boolean verifyHostName;

    CurrentTrust(ReloadingSslContext tls, boolean verifyHostName) {
      this.tls = tls;
      this.verifyHostName = verifyHostName;
    }

    private PeerCertificateCheck check() {
      return tls.material().peerCheck();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      if (verifyHostName) {
        check().checkServerTrusted(chain, authType, socket);
      } else {
        check().checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      if (verifyHostName) {
        check().checkServerTrusted(chain, authType, engine);
      } else {
        check().checkServerTrusted(chain, authType);
      }
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
      return check().getAcceptedIssuers();
    }
  }
}

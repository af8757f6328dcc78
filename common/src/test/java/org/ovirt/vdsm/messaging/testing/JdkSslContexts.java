package org.ovirt.vdsm.messaging.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * JDK {@link SSLContext}s built from the PEM files of a {@link PkiLayout}, for test clients that are
 * not Netty (plain sockets, {@code HttpsURLConnection}, third-party clients): the JDK's own
 * KeyManager and TrustManager, the CA as the only trust anchor.
 */
public final class JdkSslContexts {
  private static final char[] NO_PASSWORD = new char[0];

  private JdkSslContexts() {}

  /** The engine side: presents the engine certificate, trusts only the CA. */
  public static SSLContext engine(PkiLayout pki) throws IOException {
    requireNonNull(pki, "pki");
    return of(pki.engineKey(), pki.engineCert(), pki.caCert());
  }

  /** Presents {@code certificate} (with {@code key}) when {@code key} is not null; trusts {@code ca}. */
  public static SSLContext of(Path key, Path certificate, Path ca) throws IOException {
    requireNonNull(ca, "ca");
    try {
      KeyManagerFactory kmf = null;
      if (key != null) {
        PrivateKey privateKey = Pem.readPrivateKey(key);
        List<X509Certificate> chain = Pem.readCertificates(requireNonNull(certificate, "certificate"));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("key", privateKey, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, NO_PASSWORD);
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : Pem.readCertificates(ca)) {
        trust.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build an SSLContext: " + e.getMessage(), e);
    }
  }
}

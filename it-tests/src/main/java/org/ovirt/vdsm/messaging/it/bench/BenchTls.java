package org.ovirt.vdsm.messaging.it.bench;

import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/** JDK TLS contexts from the PKI files, for clients that are not Netty (the JDK HTTP client, the engine's own client). */
public final class BenchTls {
  private BenchTls() {}

  /** The engine's key and certificate, trusting the CA only. */
  public static SSLContext engineContext(PkiLayout pki) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("engine", Pem.readPrivateKey(pki.engineKey()), new char[0],
        Pem.readCertificates(pki.engineCert()).toArray(Certificate[]::new));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.readCertificate(pki.caCert()));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}

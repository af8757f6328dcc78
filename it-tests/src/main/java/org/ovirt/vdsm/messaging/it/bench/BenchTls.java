package org.ovirt.vdsm.messaging.it.bench;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * JDK TLS material from the PKI files, for clients that are not Netty (the JDK HTTP client, the
 * engine's own client): the engine's key and certificate, trusting the CA only.
 */
public final class BenchTls {
  private BenchTls() {}

  /** A TLS context with the engine's key and certificate, trusting the CA only. */
  public static SSLContext engineContext(PkiLayout pki) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keyManagers(engineKeys(pki)), trustManagers(caTrust(pki)), null);
    return ctx;
  }

  /** An in-memory key store with the engine's key and certificate chain (entry {@code engine}, no password). */
  public static KeyStore engineKeys(PkiLayout pki) throws Exception {
    requireNonNull(pki, "pki");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("engine", Pem.readPrivateKey(pki.engineKey()), new char[0],
        Pem.readCertificates(pki.engineCert()).toArray(Certificate[]::new));
    return keys;
  }

  /** An in-memory trust store with the CA certificate only (entry {@code ca}). */
  public static KeyStore caTrust(PkiLayout pki) throws Exception {
    requireNonNull(pki, "pki");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.readCertificate(pki.caCert()));
    return trust;
  }

  /** Key managers of {@code keys} (made by {@link #engineKeys}). */
  public static KeyManager[] keyManagers(KeyStore keys) throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    return kmf.getKeyManagers();
  }

  /** Trust managers of {@code trust}. */
  public static TrustManager[] trustManagers(KeyStore trust) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf.getTrustManagers();
  }
}

package org.ovirt.vdsm.messaging.it.bench.ovirt;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.ovirt.vdsm.jsonrpc.client.reactors.ManagerProvider;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The engine's key and trust material for the engine's own client ({@code vdsm-jsonrpc-java}):
 * the engine certificate and key of a {@link PkiLayout}, trusting its CA only.
 */
public final class OvirtTls {
  private OvirtTls() {}

  /** Key and trust managers made from {@code pki}'s engine certificate, key and CA. */
  public static ManagerProvider managers(PkiLayout pki) throws Exception {
    requireNonNull(pki, "pki");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("engine", Pem.readPrivateKey(pki.engineKey()), new char[0],
        Pem.readCertificates(pki.engineCert()).toArray(Certificate[]::new));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.readCertificate(pki.caCert()));
    return new ManagerProvider() {
      @Override
      public KeyManager[] getKeyManagers() throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        return kmf.getKeyManagers();
      }

      @Override
      public TrustManager[] getTrustManagers() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
      }
    };
  }
}

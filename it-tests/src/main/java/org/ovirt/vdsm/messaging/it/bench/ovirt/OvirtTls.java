package org.ovirt.vdsm.messaging.it.bench.ovirt;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.ovirt.vdsm.jsonrpc.client.reactors.ManagerProvider;
import org.ovirt.vdsm.messaging.it.bench.BenchTls;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The engine's key and trust material for the engine's own client ({@code vdsm-jsonrpc-java}):
 * the engine certificate and key of a {@link PkiLayout}, trusting its CA only ({@link BenchTls}).
 */
public final class OvirtTls {
  private OvirtTls() {}

  /** Key and trust managers made from {@code pki}'s engine certificate, key and CA. */
  public static ManagerProvider managers(PkiLayout pki) throws Exception {
    requireNonNull(pki, "pki");
    KeyStore keys = BenchTls.engineKeys(pki);
    KeyStore trust = BenchTls.caTrust(pki);
    return new ManagerProvider() {
      @Override
      public KeyManager[] getKeyManagers() throws GeneralSecurityException {
        return BenchTls.keyManagers(keys);
      }

      @Override
      public TrustManager[] getTrustManagers() throws GeneralSecurityException {
        return BenchTls.trustManagers(trust);
      }
    };
  }
}

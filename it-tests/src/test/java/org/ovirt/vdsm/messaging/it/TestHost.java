package org.ovirt.vdsm.messaging.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/** A host server on 127.0.0.1 with an ephemeral port and a PKI generated at test time. */
final class TestHost implements AutoCloseable {
  final PkiLayout pki;
  final VdsmServer server;
  final InetSocketAddress address;

  private TestHost(PkiLayout pki, VdsmServer server, InetSocketAddress address) {
    this.pki = pki;
    this.server = server;
    this.address = address;
  }

  /** A fresh PKI (EC keys, fast) in {@code dir} and a mutual-TLS server using it. */
  static TestHost startTls(Path dir) throws IOException {
    return startTls(dir, config -> config);
  }

  /** Like {@link #startTls(Path)} with the server config adjusted by {@code adjust}. */
  static TestHost startTls(Path dir, java.util.function.UnaryOperator<VdsmServerConfig> adjust) throws IOException {
    return startTls(dir, adjust, org.ovirt.vdsm.messaging.server.api.SimulationSettings.defaults());
  }

  /** Like {@link #startTls(Path, java.util.function.UnaryOperator)} with the simulation's timings. */
  static TestHost startTls(Path dir, java.util.function.UnaryOperator<VdsmServerConfig> adjust,
      org.ovirt.vdsm.messaging.server.api.SimulationSettings simulation) throws IOException {
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.EC_P256);
    VdsmServer server = VdsmServer.withDefaultApi(adjust.apply(VdsmServerConfig.tls("127.0.0.1", 0, pki)), simulation);
    return new TestHost(pki, server, server.start());
  }

  /** A JDK TLS context presenting the engine certificate and trusting only the CA. */
  javax.net.ssl.SSLContext engineSslContext() throws Exception {
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("engine", org.ovirt.vdsm.messaging.tls.Pem.readPrivateKey(pki.engineKey()), new char[0],
        org.ovirt.vdsm.messaging.tls.Pem.readCertificates(pki.engineCert()).toArray(java.security.cert.Certificate[]::new));
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", org.ovirt.vdsm.messaging.tls.Pem.readCertificate(pki.caCert()));
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  int port() {
    return address.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}

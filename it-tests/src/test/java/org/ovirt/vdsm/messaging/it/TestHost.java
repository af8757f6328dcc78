package org.ovirt.vdsm.messaging.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.testing.JdkSslContexts;
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
    return start(dir, c -> c);
  }

  /**
   * A fresh PKI in {@code dir} and a server with the default API whose config is the mutual-TLS
   * default changed by {@code customize} (TLS mode, timeouts, XML-RPC, broker).
   */
  static TestHost start(Path dir, UnaryOperator<VdsmServerConfig> customize) throws IOException {
    return start(dir, customize, SimulationSettings.defaults());
  }

  /** As {@link #start(Path, UnaryOperator)}, with the default backend's timings and bounds. */
  static TestHost start(Path dir, UnaryOperator<VdsmServerConfig> customize, SimulationSettings simulation)
      throws IOException {
    PkiLayout pki = newPki(dir);
    VdsmServer server = VdsmServer.withDefaultApi(customize.apply(VdsmServerConfig.tls("127.0.0.1", 0, pki)), simulation);
    return new TestHost(pki, server, server.start());
  }

  /** As {@link #start(Path, UnaryOperator)}, answering only the methods of {@code methods}. */
  static TestHost start(Path dir, MethodRegistry methods, UnaryOperator<VdsmServerConfig> customize) throws IOException {
    PkiLayout pki = newPki(dir);
    VdsmServer server = new VdsmServer(customize.apply(VdsmServerConfig.tls("127.0.0.1", 0, pki)), methods);
    return new TestHost(pki, server, server.start());
  }

  private static PkiLayout newPki(Path dir) throws IOException {
    return DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.EC_P256);
  }

  /** A JDK TLS context presenting the engine certificate and trusting only the CA. */
  SSLContext engineSslContext() throws IOException {
    return JdkSslContexts.engine(pki);
  }

  int port() {
    return address.getPort();
  }

  /** {@code http://127.0.0.1:<port>/RPC2}, or {@code https://localhost:<port>/RPC2}. */
  String xmlRpcUrl(boolean tls) {
    return tls ? "https://localhost:" + port() + "/RPC2" : "http://127.0.0.1:" + port() + "/RPC2";
  }

  @Override
  public void close() {
    server.close();
  }
}

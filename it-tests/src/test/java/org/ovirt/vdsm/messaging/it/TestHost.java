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
    PkiLayout pki = DevelopmentPki.generate(dir, "localhost", List.of("127.0.0.1"), KeyType.EC_P256);
    VdsmServer server = VdsmServer.withDefaultApi(VdsmServerConfig.tls("127.0.0.1", 0, pki));
    return new TestHost(pki, server, server.start());
  }

  int port() {
    return address.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}

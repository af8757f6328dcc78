package org.ovirt.vdsm.messaging.it.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.guard.GuardSettings;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The host process of scenario (e): a {@code vdsm-server} with the default backend on loopback, its
 * connection limits lifted to {@code connections + 1000} (the benchmark connects every client from
 * 127.0.0.1, and the shipped command line keeps the per-address default of 1,000). Prints {@code
 * vdsm-server listening on ADDRESS:PORT} once bound and runs until killed.
 *
 * <p>Arguments: the PKI directory and the number of connections to allow.
 */
public final class BenchHost {
  private BenchHost() {}

  public static void main(String[] args) throws Exception {
    PkiLayout pki = new PkiLayout(Path.of(args[0]));
    int connections = Integer.parseInt(args[1]);
    VdsmServerConfig plain = VdsmServerConfig.tls("127.0.0.1", 0, pki);
    VdsmServerConfig config = plain.withStomp(plain.stomp().withGuards(
        GuardSettings.DEFAULTS.withConnectionLimits(connections + 1_000, connections + 1_000)));
    try (VdsmServer server = VdsmServer.withDefaultApi(config)) {
      InetSocketAddress bound = server.start();
      System.out.println("vdsm-server listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }
}

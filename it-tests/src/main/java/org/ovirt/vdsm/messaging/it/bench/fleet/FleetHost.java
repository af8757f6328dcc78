package org.ovirt.vdsm.messaging.it.bench.fleet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.DefaultHostBackend;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.server.guard.GuardSettings;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The fleet of issue 13's comparison in one process: a {@code vdsm-server} with the default backend
 * (its {@code Host.getStats}, cached for a second, see {@link CachedStats}, is the answer each
 * simulated host gives) on one mutual-TLS port on
 * 127.0.0.1, every engine connection to it being one host, and an {@link EventWheel} sending each
 * connection subscribed to {@code jms.queue.events} its own VM_status event every few seconds. The
 * connection limits are lifted to {@code hosts + 1000} (every connection comes from 127.0.0.1).
 * Prints {@code fleet listening on ADDRESS:PORT} once bound, then a line {@code fleet events sent N}
 * every ten seconds, and runs until killed.
 *
 * <p>Arguments: the PKI directory, the number of hosts, the shortest and longest time between two
 * events of one host in milliseconds.
 */
public final class FleetHost {
  private FleetHost() {}

  private static MethodRegistry registered(DefaultHostBackend api, MethodRegistry registry) {
    api.registerWith(registry);
    return registry;
  }

  public static void main(String[] args) throws Exception {
    PkiLayout pki = new PkiLayout(Path.of(args[0]));
    int hosts = Integer.parseInt(args[1]);
    Duration minEvery = Duration.ofMillis(Long.parseLong(args[2]));
    Duration maxEvery = Duration.ofMillis(Long.parseLong(args[3]));
    VdsmServerConfig plain = VdsmServerConfig.tls("127.0.0.1", 0, pki);
    VdsmServerConfig config = plain.withStomp(plain.stomp().withGuards(
        GuardSettings.DEFAULTS.withConnectionLimits(hosts + 1_000, hosts + 1_000)));
    MethodRegistry backend = new MethodRegistry();
    MethodRegistry methods = new MethodRegistry();
    try (VdsmServer server = new VdsmServer(config, methods);
         DefaultHostBackend api = DefaultHostBackend.standalone(server.events(), VdsmServer.version());
         CachedStats stats = new CachedStats(registered(api, backend).find("Host.getStats").orElseThrow().method());
         EventWheel wheel = new EventWheel(server.broker(), minEvery, maxEvery, Duration.ofMillis(100))) {
      for (String name : backend.names()) {
        if (!name.equals("Host.getStats")) {
          methods.add(backend.find(name).orElseThrow());
        }
      }
      methods.registerInline("Host.getStats", List.of(), stats.method());
      InetSocketAddress bound = server.start();
      wheel.start();
      System.out.println("fleet listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
      System.out.flush();
      while (true) {
        TimeUnit.SECONDS.sleep(10);
        System.out.println("fleet events sent " + wheel.sent());
        System.out.flush();
      }
    }
  }
}

package org.ovirt.vdsm.messaging.it.bench;

import com.google.gson.JsonObject;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * Scenario (f): VM_status events published by the host, delivered to every subscriber of {@code
 * jms.queue.events} over mutual TLS. The publisher keeps at most 10,000 events ahead of the slowest
 * subscriber, so the host's per-connection outbound limit is never the thing measured.
 */
final class EventFanOut {
  private EventFanOut() {}

  static String run(PkiLayout pki, VdsmServer server, InetSocketAddress address, boolean quick) throws Exception {
    int events = quick ? 50_000 : 300_000;
    StringBuilder sb = new StringBuilder(
        "| subscribers | events published | events/s published | deliveries/s |\n| ---: | ---: | ---: | ---: |\n");
    SslContext tls = TlsContexts.client(pki, true);
    EventLoopGroup group = NettyTransport.best().newGroup(1, "vdsm-client-probe", true);
    try {
      for (int subscribers : new int[] {1, 4}) {
        List<StompProbe> probes = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
          probes.add(new StompProbe(group, tls, "localhost", address.getPort(), "jms.queue.events"));
        }
        JsonObject params = new JsonObject();
        JsonObject vm = new JsonObject();
        vm.addProperty("status", "Up");
        vm.addProperty("elapsedTime", "3600");
        params.add("6d4d4d0e-0000-4000-8000-000000000001", vm);
        long start = System.nanoTime();
        for (int i = 1; i <= events; i++) {
          server.events().publish("virt", "VM_status", "6d4d4d0e-0000-4000-8000-000000000001", params);
          while (i - slowest(probes) > 10_000) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (slowest(probes) < events && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long delivered = probes.stream().mapToLong(p -> p.messages.get()).sum();
        sb.append("| ").append(subscribers).append(" | ").append(events).append(" | ")
            .append(Bench.fmt(events / seconds)).append(" | ").append(Bench.fmt(delivered / seconds)).append(" |\n");
        if (delivered < (long) events * subscribers) {
          sb.append(String.format(Locale.ROOT, "\n(only %d of %d deliveries arrived within 60 s)\n", delivered, (long) events * subscribers));
        }
        probes.forEach(StompProbe::close);
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    return sb.toString();
  }

  /** Each event reaches a subscriber twice only if it subscribed to both destinations: here one. */
  private static long slowest(List<StompProbe> probes) {
    long min = Long.MAX_VALUE;
    for (StompProbe p : probes) {
      min = Math.min(min, p.messages.get());
    }
    return min;
  }
}

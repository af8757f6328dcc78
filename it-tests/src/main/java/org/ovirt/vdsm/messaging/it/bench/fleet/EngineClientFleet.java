package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The fleet held by this project's {@code engine-client}: one factory with its defaults (heart-beats
 * 10 s each way, grace 1.5), one {@link HostClient} per host, each with a callback subscription
 * {@code <host>|virt|VM_status|*}. Host names are not verified: every fleet host shares the
 * certificate of {@code localhost}.
 */
final class EngineClientFleet implements FleetClient {
  private static final int WAVE = 50;
  private static final int CONNECT_ATTEMPTS = 3;
  private static final RpcCall GET_STATS = RpcCall.of("Host.getStats");

  private final EngineClientFactory factory;
  private final List<HostClient> clients = new ArrayList<>();
  private final LongAdder events = new LongAdder();
  /** On a loaded machine a handshake can outlast the host's handshake timeout. */
  private final ConnectRetries retries = new ConnectRetries("engine-client", CONNECT_ATTEMPTS, ExecutionException.class);

  EngineClientFleet(PkiLayout pki) throws Exception {
    requireNonNull(pki, "pki");
    factory = EngineClientFactory.builder().pki(pki).verifyHostName(false)
        .connectTimeout(Duration.ofSeconds(60)).build();
  }

  @Override
  public String name() {
    return "engine-client (this project)";
  }

  @Override
  public String heartBeats() {
    return "10,000 ms each way (the builder's default)";
  }

  @Override
  public void connect(List<String> hosts, int port) throws Exception {
    for (int from = 0; from < hosts.size(); from += WAVE) {
      List<String> names = hosts.subList(from, Math.min(hosts.size(), from + WAVE));
      List<CompletableFuture<HostClient>> wave = new ArrayList<>();
      for (String host : names) {
        wave.add(factory.connect(host, port));
      }
      for (int i = 0; i < wave.size(); i++) {
        CompletableFuture<HostClient> first = wave.get(i);
        String host = names.get(i);
        // The first attempt is the wave's; a host not connected after the last one keeps a client
        // that connects in the background by the reconnect policy.
        HostClient client = retries.connect(host,
            attempt -> (attempt == 1 ? first : factory.connect(host, port)).get(120, TimeUnit.SECONDS),
            () -> factory.open(host, port));
        client.subscribe(client.host() + "|virt|VM_status|*", e -> events.increment());
        clients.add(client);
      }
    }
    retries.report();
  }

  @Override
  public Future<?> getStats(int index) {
    return clients.get(index).call(GET_STATS);
  }

  @Override
  public boolean isStats(Future<?> done) throws Exception {
    return done.get() instanceof JsonElement e && e.isJsonObject() && e.getAsJsonObject().size() > 0;
  }

  @Override
  public long events() {
    return events.sum();
  }

  @Override
  public int open() {
    return (int) clients.stream().filter(HostClient::isOpen).count();
  }

  @Override
  public void close() {
    factory.close();
  }
}

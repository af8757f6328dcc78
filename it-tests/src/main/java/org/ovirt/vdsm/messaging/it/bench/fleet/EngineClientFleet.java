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
  private int connectRetries;

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
        HostClient client;
        try {
          client = wave.get(i).get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          client = retry(names.get(i), port, e);
        }
        client.subscribe(client.host() + "|virt|VM_status|*", e -> events.increment());
        clients.add(client);
      }
    }
    if (connectRetries > 0) {
      System.out.println("engine-client: " + connectRetries + " connection attempts failed and were retried");
    }
  }

  /**
   * On a loaded machine a handshake can outlast the host's handshake timeout: two more attempts,
   * then a client that keeps connecting in the background by the reconnect policy (counted; it
   * shows as not open).
   */
  private HostClient retry(String host, int port, ExecutionException first) throws Exception {
    for (int attempt = 2; attempt <= CONNECT_ATTEMPTS; attempt++) {
      connectRetries++;
      try {
        return factory.connect(host, port).get(120, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        first.addSuppressed(e);
      }
    }
    System.out.println("engine-client: " + host + " not connected after " + CONNECT_ATTEMPTS + " attempts: " + first.getCause());
    return factory.open(host, port);
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

package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcClient;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcRequest;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcResponse;
import org.ovirt.vdsm.jsonrpc.client.RequestBuilder;
import org.ovirt.vdsm.jsonrpc.client.events.EventSubscriber;
import org.ovirt.vdsm.jsonrpc.client.internal.ClientPolicy;
import org.ovirt.vdsm.jsonrpc.client.internal.ResponseWorker;
import org.ovirt.vdsm.jsonrpc.client.reactors.Reactor;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorClient;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorFactory;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorType;
import org.ovirt.vdsm.jsonrpc.client.reactors.stomp.StompClientPolicy;
import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;
import org.ovirt.vdsm.messaging.it.bench.BenchTls;
import org.ovirt.vdsm.messaging.it.bench.ovirt.OvirtTls;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The fleet held by the oVirt engine's current client, {@code vdsm-jsonrpc-java} 1.7.4, set up as
 * the engine sets it up: one STOMP reactor and one response worker for all hosts, per host a
 * {@code StompClientPolicy} with a 10 s incoming heart-beat (the client then sends {@code
 * heart-beat:0,10000}: it asks the host for a beat every 10 s and sends none itself), the event
 * queue {@code jms.queue.events}, a call policy of 30 s and 3 retries, and one {@link
 * EventSubscriber} per host on the worker's publisher with the pattern {@code <host>|virt|VM_status|*}
 * that requests one event at a time, as the engine's subscribers do.
 */
final class OvirtClientFleet implements FleetClient {
  private static final int HEART_BEAT_MS = 10_000;
  private static final int CONNECT_THREADS = 1;
  /** Attempts per host: on a loaded machine a handshake can outlast what the client waits for one. */
  private static final int CONNECT_ATTEMPTS = 3;

  private final Reactor reactor;
  private final ResponseWorker worker;
  private final List<JsonRpcClient> clients = Collections.synchronizedList(new ArrayList<>());
  private final List<JsonRpcClient> byIndex = new java.util.concurrent.CopyOnWriteArrayList<>();
  private boolean warm;
  private final LongAdder events = new LongAdder();
  private final ConnectRetries retries = new ConnectRetries("vdsm-jsonrpc-java", CONNECT_ATTEMPTS, Exception.class);
  private final PkiLayout pki;

  OvirtClientFleet(PkiLayout pki) throws Exception {
    this.pki = requireNonNull(pki, "pki");
    reactor = ReactorFactory.getReactor(OvirtTls.managers(pki), ReactorType.STOMP);
    worker = ReactorFactory.getWorker(10);
  }

  @Override
  public String name() {
    return "vdsm-jsonrpc-java 1.7.4 (the engine's current client)";
  }

  @Override
  public String heartBeats() {
    return "CONNECT heart-beat:0,10000 (10 s from the host, none sent)";
  }

  @Override
  public void connect(List<String> hosts, int port) throws Exception {
    if (!warm) {
      warmTls(port);
      warm = true;
    }
    JsonRpcClient[] made = new JsonRpcClient[hosts.size()];
    ExecutorService connectors = Executors.newFixedThreadPool(CONNECT_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < hosts.size(); i++) {
        int index = i;
        done.add(connectors.submit(() -> {
          made[index] = connectOne(hosts.get(index), port);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      connectors.shutdownNow();
    }
    byIndex.addAll(List.of(made));
    retries.report();
    for (String host : hosts) {
      worker.getPublisher().subscribe(new CountingSubscriber(host + "|virt|VM_status|*"));
    }
  }

  /**
   * A cold JVM's first TLS handshakes can take longer than the engine's client waits for one (see
   * OvirtClientComparison): a few handshakes with the same key material first.
   */
  private void warmTls(int port) throws Exception {
    SSLSocketFactory factory = BenchTls.engineContext(pki).getSocketFactory();
    for (int i = 0; i < 20; i++) {
      try (SSLSocket socket = (SSLSocket) factory.createSocket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
        socket.setSoTimeout(60_000);
        socket.startHandshake();
      }
    }
  }

  /**
   * Connects as the engine does, with room for a loaded machine: up to {@value #CONNECT_ATTEMPTS}
   * attempts (each with the client's own retries); a host still not connected keeps its client,
   * which connects again on the next call (as the engine's clients do), and shows as not open.
   */
  private JsonRpcClient connectOne(String host, int port) throws Exception {
    ReactorClient reactorClient = reactor.createClient(host, port);
    StompClientPolicy policy = new StompClientPolicy(60_000, 3, HEART_BEAT_MS, IOException.class,
        VdsmDestinations.REQUESTS, VdsmDestinations.RESPONSES);
    policy.setEventQueue(VdsmDestinations.EVENTS);
    reactorClient.setClientPolicy(policy);
    JsonRpcClient client = worker.register(reactorClient);
    client.setRetryPolicy(new ClientPolicy(30_000, 3, HEART_BEAT_MS, IOException.class));
    clients.add(client);
    return retries.connect(host, attempt -> {
      reactorClient.connect();
      return client;
    }, () -> client);
  }

  @Override
  public Future<?> getStats(int index) throws Exception {
    JsonRpcRequest request = new RequestBuilder("Host.getStats").build();
    return byIndex.get(index).call(request);
  }

  @Override
  public boolean isStats(Future<?> done) throws Exception {
    return done.get() instanceof JsonRpcResponse r && r.getError() == null && r.getResult() != null
        && r.getResult().isObject() && r.getResult().size() > 0;
  }

  @Override
  public long events() {
    return events.sum();
  }

  @Override
  public int open() {
    int open = 0;
    synchronized (clients) {
      for (JsonRpcClient c : clients) {
        try {
          open += c.getClient().isOpen() ? 1 : 0;
        } catch (Exception e) {
          // not open
        }
      }
    }
    return open;
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(JsonRpcClient::close);
    }
    worker.close();
    reactor.close();
  }

  /** The engine's kind of subscriber: one event requested at a time. */
  private final class CountingSubscriber extends EventSubscriber {
    private volatile Flow.Subscription subscription;

    CountingSubscriber(String pattern) {
      super(pattern);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(Map<String, Object> event) {
      events.increment();
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      subscription.request(1);
    }

    @Override
    public void onComplete() {
      // the client was closed
    }
  }
}

package org.ovirt.vdsm.messaging.it.bench.ovirt;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcClient;
import org.ovirt.vdsm.jsonrpc.client.JsonRpcResponse;
import org.ovirt.vdsm.jsonrpc.client.RequestBuilder;
import org.ovirt.vdsm.jsonrpc.client.internal.ClientPolicy;
import org.ovirt.vdsm.jsonrpc.client.internal.ResponseWorker;
import org.ovirt.vdsm.jsonrpc.client.reactors.Reactor;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorClient;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorFactory;
import org.ovirt.vdsm.jsonrpc.client.reactors.ReactorType;
import org.ovirt.vdsm.jsonrpc.client.reactors.stomp.StompClientPolicy;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * The load a real engine makes, made by the engine's own client ({@code vdsm-jsonrpc-java} 1.7.4,
 * configured as the engine configures it: STOMP over mutual TLS, 10 s heart-beats): a number of
 * threads, each making sequential {@code Host.ping2} calls on one connection to one host.
 */
final class OvirtClientLoad implements AutoCloseable {
  private static final int CALL_TIMEOUT_S = 30;

  /** What one measured period gave. */
  record Result(long calls, double seconds, Histogram latencyNanos) {
    double callsPerSecond() {
      return calls / seconds;
    }
  }

  private final Reactor reactor;
  private final ResponseWorker worker;
  private final List<JsonRpcClient> clients = new ArrayList<>();

  OvirtClientLoad(PkiLayout pki) throws Exception {
    requireNonNull(pki, "pki");
    reactor = ReactorFactory.getReactor(OvirtTls.managers(pki), ReactorType.STOMP);
    worker = ReactorFactory.getWorker(4);
  }

  /**
   * A connected client to {@code localhost:port}: one call has been answered. The engine's connect
   * policy, with room for a loaded machine: 30 s per attempt, three attempts.
   */
  JsonRpcClient connect(int port) throws Exception {
    ReactorClient reactorClient = reactor.createClient("localhost", port);
    reactorClient.setClientPolicy(new StompClientPolicy(
        30_000, 3, 10_000, IOException.class, "jms.topic.vdsm_requests", "jms.topic.vdsm_responses"));
    JsonRpcClient client = worker.register(reactorClient);
    client.setRetryPolicy(new ClientPolicy(CALL_TIMEOUT_S * 1000, 3, 10_000, IOException.class));
    clients.add(client);
    ping(client);
    return client;
  }

  /** {@code threads} threads calling {@code Host.ping2} back to back on {@code client} for {@code length}. */
  static Result run(JsonRpcClient client, int threads, Duration length) throws Exception {
    Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong calls = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    long end = start + length.toNanos();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          while (System.nanoTime() < end && failure.get() == null) {
            long t0 = System.nanoTime();
            ping(client);
            latency.recordValue(System.nanoTime() - t0);
            calls.incrementAndGet();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }, "ovirt-caller-" + i);
      t.setDaemon(true);
      t.start();
    }
    if (!done.await(length.toSeconds() + 2L * CALL_TIMEOUT_S, TimeUnit.SECONDS)) {
      throw new IllegalStateException("callers still running " + 2 * CALL_TIMEOUT_S + " s after the end");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed: " + failure.get(), failure.get());
    }
    return new Result(calls.get(), seconds, latency);
  }

  private static void ping(JsonRpcClient client) throws Exception {
    JsonRpcResponse r = client.call(new RequestBuilder("Host.ping2").build()).get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
    if (r.getError() != null || r.getResult() == null || !r.getResult().asBoolean()) {
      throw new IllegalStateException("Host.ping2 was not answered true: " + r.getError());
    }
  }

  @Override
  public void close() {
    clients.forEach(JsonRpcClient::close);
    worker.close();
    reactor.close();
  }
}

package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ovirt.vdsm.messaging.client.BrokerConnection;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;

/**
 * {@code vdsm-client --broker URL --host-id ID}: the host reached through an external broker
 * instead of a direct connection. Checks the options, opens the factory's broker connection (URLs
 * tried in order), waits for it within the timeout and hands out the host's client; the rest of the
 * command (the call, {@code --events}, exit codes) is the same as direct.
 *
 * @param urls the {@code --broker} URLs, in order
 * @param hostId the {@code --host-id}
 * @param engineId the engine id of this run's reply queue
 */
public record BrokerTarget(List<URI> urls, String hostId, String engineId) {
  public BrokerTarget {
    urls = List.copyOf(requireNonNull(urls, "urls"));
    requireNonNull(hostId, "hostId");
    requireNonNull(engineId, "engineId");
  }

  /**
   * The target of {@code --broker} values {@code brokers}, {@code --host-id} and {@code
   * --engine-id} (a fresh {@code vdsm-client-<random>} when {@code null}).
   *
   * @param tls whether TLS material is loaded ({@code --tls required}); a {@code stomp+ssl} URL needs it
   *
   * @throws IllegalArgumentException with a message for the user when an option is wrong
   */
  public static BrokerTarget of(List<String> brokers, String hostId, String engineId, boolean tls) {
    if (brokers == null || brokers.isEmpty()) {
      throw new IllegalArgumentException("--broker needs a URL: stomp+ssl://HOST:PORT");
    }
    if (hostId == null) {
      throw new IllegalArgumentException("--broker needs --host-id ID");
    }
    BrokerDestinations.checkId(hostId, "--host-id");
    String engine = engineId != null ? engineId : "vdsm-client-" + UUID.randomUUID().toString().substring(0, 8);
    BrokerDestinations.checkId(engine, "--engine-id");
    List<URI> urls = new ArrayList<>(brokers.size());
    for (String b : brokers) {
      BrokerUrl url = BrokerUrl.parse(b);
      if (url.tls() && !tls) {
        throw new IllegalArgumentException(b + " is a TLS broker URL: it needs --tls required");
      }
      urls.add(url.uri());
    }
    return new BrokerTarget(urls, hostId, engine);
  }

  /**
   * Opens the broker connection on {@code factory} and waits up to {@code timeout} for it.
   *
   * @throws ExecutionException when the connection fails for good (its cause says why)
   * @throws TimeoutException when it is not made in time
   */
  public HostClient connect(EngineClientFactory factory, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    BrokerConnection broker = factory.broker(engineId, urls);
    long end = System.nanoTime() + timeout.toNanos();
    broker.connected().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    HostClient client = broker.host(hostId);
    CompletableFuture<HostClient> up = new CompletableFuture<>();
    client.addStateListener((c, state, cause) -> {
      if (state == HostClient.State.CONNECTED) {
        up.complete(c);
      } else if (state == HostClient.State.CLOSED) {
        up.completeExceptionally(cause != null ? cause : new IllegalStateException("closed"));
      }
    });
    if (client.state() == HostClient.State.CONNECTED) {
      up.complete(client);
    }
    return up.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** The URLs, for messages. */
  public String describe() {
    return urls.size() == 1 ? urls.get(0).toString() : urls.toString();
  }
}

package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.internal.BrokerSession;
import org.ovirt.vdsm.messaging.client.internal.BrokerTransport;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.client.internal.ClientContext;
import org.ovirt.vdsm.messaging.client.internal.StompHostClient;
import org.ovirt.vdsm.messaging.destinations.BrokerDestinations;

/**
 * An engine's one STOMP connection to an external broker (ActiveMQ Artemis, RabbitMQ, a cluster of
 * either), made by {@link EngineClientFactory#broker}, that carries the calls and events of every
 * host: {@link #host(String)} hands out a {@link HostClient} per host id with the same API,
 * futures, deadlines, errors, events and state listener as a direct client.
 *
 * <p>Requests of host H go to {@code /queue/vdsm.requests.H.S} by the subsystem S of their method
 * (a batch spanning subsystems is split, each call keeping its own future), carry {@code
 * reply-to:/queue/vdsm.replies.E} (subscribed, and confirmed by a RECEIPT, before the first request
 * is sent) and their deadline ({@code vdsm-deadline}, Artemis {@code expires}, RabbitMQ {@code
 * expiration}); answers are handed to the right host client by JSON-RPC id; a host's events come
 * from {@code /topic/vdsm.events.H.*} while somebody subscribes to them.
 *
 * <p>When the broker connection is lost, calls in flight fail at once with {@link
 * ConnectionLostException}; the connection is made again (the next URL first, with the factory's
 * reconnect policy) and every subscription made again. A call to a host that is down fails at its
 * deadline. A host client's state follows the broker connection, not the host.
 *
 * <p>Closing a host client leaves the connection open; closing this (or the factory) closes every
 * host client made by it.
 */
public final class BrokerConnection implements AutoCloseable {
  private final BrokerSession session;
  private final ClientContext context;
  private final Consumer<HostClient> register;

  BrokerConnection(BrokerSession session, ClientContext context, Consumer<HostClient> register) {
    this.session = requireNonNull(session, "session");
    this.context = requireNonNull(context, "context");
    this.register = requireNonNull(register, "register");
  }

  /** The engine id ({@code E} of the reply queue). */
  public String engineId() {
    return session.engineId();
  }

  /** The broker URLs, in the order they are tried. */
  public List<URI> urls() {
    return session.urls().stream().map(BrokerUrl::uri).toList();
  }

  /** The engine's reply destination, {@code /queue/vdsm.replies.E} by default. */
  public String replyDestination() {
    return session.replyTo();
  }

  /** The destination layout. */
  public BrokerDestinations destinations() {
    return session.destinations();
  }

  /**
   * A client of host {@code hostId} through this connection, returned at once; its calls wait for
   * the connection by the factory's {@link WhileDisconnected} policy.
   *
   * @param hostId the host id ({@code H} of its destinations, and the receiver part of its events):
   *     letters, digits, {@code -} and {@code _}
   * @throws IllegalArgumentException for an invalid host id
   * @throws IllegalStateException when the factory is closed
   */
  public HostClient host(String hostId) {
    return host(hostId, HostOptions.DEFAULTS);
  }

  /** {@link #host(String)} with settings of this host's own (see {@link HostOptions}). */
  public HostClient host(String hostId, HostOptions options) {
    BrokerDestinations.checkId(hostId, "hostId");
    requireNonNull(options, "options");
    StompHostClient client = new StompHostClient(hostId, 0, hostId + "@" + session.engineId(), context, options,
        (name, loop, calls, listener) -> new BrokerTransport(hostId, name, session, calls, listener));
    register.accept(client);
    return client.start();
  }

  /**
   * Completes with this connection once the broker connection is made and the reply queue
   * subscribed the first time; fails when the connection is closed first.
   */
  public CompletableFuture<BrokerConnection> connected() {
    return session.firstSession().thenApply(v -> this);
  }

  /** Whether requests are sent now (connected, reply queue subscribed). */
  public boolean isConnected() {
    return session.isReady();
  }

  /** How many broker sessions were made so far (1 after connecting, +1 per reconnect). */
  public long sessionCount() {
    return session.sessionCount();
  }

  /** How many calls, of every host, wait for an answer through this connection. */
  public int callsInFlight() {
    return session.callsInFlight();
  }

  /**
   * Closes every host client of this connection (their calls fail with {@link
   * ConnectionLostException}), unsubscribes and disconnects, waiting up to two seconds for the
   * broker's receipt.
   *
   * @return completes with whether the broker confirmed the DISCONNECT
   */
  public CompletableFuture<Boolean> closeAsync() {
    return session.close(Duration.ofSeconds(2));
  }

  /** {@link #closeAsync()}, waiting for it (at most five seconds). */
  @Override
  public void close() {
    try {
      closeAsync().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing is best effort past this point: the connection is gone or going
    }
  }

  @Override
  public String toString() {
    return "BrokerConnection{" + session + "}";
  }

  /** Reads broker URLs ({@code stomp+ssl://HOST:PORT}, {@code stomp://HOST:PORT}). */
  static List<BrokerUrl> parse(List<URI> urls) {
    requireNonNull(urls, "urls");
    return urls.stream().map(BrokerUrl::of).toList();
  }
}

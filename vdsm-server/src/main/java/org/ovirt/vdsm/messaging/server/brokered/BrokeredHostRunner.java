package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.destinations.MethodSubsystems;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.api.DefaultHostBackend;
import org.ovirt.vdsm.messaging.server.api.SimulationSettings;
import org.ovirt.vdsm.messaging.server.events.EventSink;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;

/**
 * Runs the host service in broker mode: the simulated backend with only the methods of the served
 * subsystems registered (a process started for {@code storage} answers nothing else, on the broker
 * or on its direct port), a {@link BrokeredHost} consuming those subsystems' request queues, events
 * on the broker topics, and optionally the direct port as well.
 *
 * <p>Limits of splitting subsystems over processes: every process has its own simulated backend, so
 * state is not shared. Storage state (pools, domains, images, storage tasks) lives in the storage
 * process; VMs in the virt process. A virt call that refers to a storage object (a VM disk on a
 * domain) is not checked against the storage process, and {@code Host} queries answered by the
 * host process (statistics, {@code Host.getVMList}...) see only the VMs of that process, which is
 * correct only when virt and host run together (the default split: storage alone).
 */
public final class BrokeredHostRunner implements AutoCloseable {
  private final VdsmServer server;
  private final BrokeredHost host;
  private final InetSocketAddress direct;

  private BrokeredHostRunner(VdsmServer server, BrokeredHost host, InetSocketAddress direct) {
    this.server = server;
    this.host = host;
    this.direct = direct;
  }

  /**
   * Starts a broker-mode host.
   *
   * @param config the server configuration (its port is used only when {@code serveDirect})
   * @param simulation the simulated backend's timings
   * @param settings brokers, host id, subsystems
   * @param ssl the host's client TLS context for the broker, {@code null} for {@code stomp://} only
   * @param serveDirect whether to also listen on the configured port
   * @param connectedLine receives the "connected" line once subscribed
   * @throws IOException when the direct port cannot be bound
   */
  public static BrokeredHostRunner start(VdsmServerConfig config, SimulationSettings simulation,
      BrokeredHostSettings settings, SslContext ssl, boolean serveDirect, Consumer<String> connectedLine)
      throws IOException {
    return start(config, simulation, settings, ssl, serveDirect, null, connectedLine);
  }

  /**
   * As {@link #start(VdsmServerConfig, SimulationSettings, BrokeredHostSettings, SslContext, boolean,
   * Consumer)}, with the host's metrics in {@code registry} ({@code null}: none).
   */
  public static BrokeredHostRunner start(VdsmServerConfig config, SimulationSettings simulation,
      BrokeredHostSettings settings, SslContext ssl, boolean serveDirect, MeterRegistry registry,
      Consumer<String> connectedLine) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(simulation, "simulation");
    requireNonNull(settings, "settings");
    requireNonNull(connectedLine, "connectedLine");
    VdsmServer server = new VdsmServer(config, new MethodRegistry(), registry);
    BrokeredHost host = new BrokeredHost(settings, ssl, server.endpoint(), connectedLine);
    server.closeWith(host);
    try {
      EventSink events = new BrokerTopicEventSink(host, serveDirect ? server.events() : EventSink.NONE);
      DefaultHostBackend backend = DefaultHostBackend.standalone(events, simulation, VdsmServer.version());
      server.closeWith(backend);
      registerServed(backend, server.methods(), settings);
      InetSocketAddress bound = serveDirect ? server.start() : null;
      host.start();
      return new BrokeredHostRunner(server, host, bound);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** Registers the backend's methods whose subsystem is served, and no other. */
  static void registerServed(DefaultHostBackend backend, MethodRegistry target, BrokeredHostSettings settings) {
    MethodRegistry all = new MethodRegistry();
    backend.registerWith(all);
    for (String name : all.names()) {
      if (settings.subsystems().contains(MethodSubsystems.of(name))) {
        MethodRegistry.Registration r = all.find(name).orElseThrow();
        target.add(r); // keeps the inline flag of trivial methods
      }
    }
  }

  /** The broker connection. */
  public BrokeredHost host() {
    return host;
  }

  /** The direct port's address, when direct connections are served. */
  public Optional<InetSocketAddress> directAddress() {
    return Optional.ofNullable(direct);
  }

  /** The host service (its methods, its internal broker). */
  public VdsmServer server() {
    return server;
  }

  /** Disconnects from the broker, closes the direct port if any, stops the backend. */
  @Override
  public void close() {
    server.close();
  }
}

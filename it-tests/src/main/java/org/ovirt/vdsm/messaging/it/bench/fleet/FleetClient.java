package org.ovirt.vdsm.messaging.it.bench.fleet;

import java.util.List;
import java.util.concurrent.Future;

/**
 * One engine-side client library holding a connection per host of the fleet, as the engine holds
 * them: each host's connection subscribed to that host's {@code VM_status} events with the engine's
 * pattern {@code <host>|virt|VM_status|*}, events counted, {@code Host.getStats} called on demand.
 */
interface FleetClient extends AutoCloseable {
  /** The library and version, for the report. */
  String name();

  /** The heart-beats this client negotiates by default, for the report. */
  String heartBeats();

  /**
   * Connects to every host of {@code hosts} (each a name resolving to the fleet's address) on
   * {@code port} and subscribes to its events; returns once every connection is established. The
   * hosts are numbered in the order given, after those of earlier calls.
   *
   * @throws Exception when a connection cannot be made in time
   */
  void connect(List<String> hosts, int port) throws Exception;

  /** Starts {@code Host.getStats} on host {@code index} (numbered by {@link #connect}). */
  Future<?> getStats(int index) throws Exception;

  /** Whether a completed {@link #getStats} future holds a statistics object (not an error). */
  boolean isStats(Future<?> done) throws Exception;

  /** VM_status events delivered to the subscribers so far. */
  long events();

  /** Connections open now. */
  int open();
}

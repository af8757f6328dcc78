package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.ClientListener;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.client.StompConnector;

/**
 * What every host client of one factory shares: settings (validated by the factory's builder) and
 * resources (threads).
 *
 * @param connector makes connections: TLS context (or none), frame limits, connect timeout
 * @param defaultTimeout the deadline of calls that give none
 * @param heartBeat the heart-beat offered in every CONNECT
 * @param heartBeatGrace a silent host is dead after this many negotiated intervals
 * @param reconnect when to connect again
 * @param whileDisconnected what calls made without a session do
 * @param uniqueReplyDestinations whether each connection replies on a destination of its own
 *     (else VDSM's shared names)
 * @param maxPendingCalls calls one host may have waiting at once
 * @param eventQueueCapacity events one subscription may have queued
 * @param parseBacklogBytes unparsed bytes per host above which reading pauses
 * @param unmatchedResponses told about answers that match no call
 * @param group the event loops of all connections
 * @param deadlines the timing wheel of every call's deadline
 * @param workers parses answers and completes futures (never a network thread)
 * @param events delivers events to subscribers
 * @param closed told when a host client is closed for good
 * @param listener told how calls end (metrics), {@link ClientListener#NONE} for nobody
 */
public record ClientContext(
    StompConnector connector,
    Duration defaultTimeout,
    HeartBeat heartBeat,
    double heartBeatGrace,
    ReconnectPolicy reconnect,
    WhileDisconnected whileDisconnected,
    boolean uniqueReplyDestinations,
    int maxPendingCalls,
    int eventQueueCapacity,
    long parseBacklogBytes,
    BiConsumer<HostClient, JsonRpcResponse> unmatchedResponses,
    EventLoopGroup group,
    Timer deadlines,
    Executor workers,
    Executor events,
    Consumer<HostClient> closed,
    ClientListener listener) {
  /** Checks that nothing required is null. */
  public ClientContext {
    requireNonNull(connector, "connector");
    requireNonNull(defaultTimeout, "defaultTimeout");
    requireNonNull(heartBeat, "heartBeat");
    requireNonNull(reconnect, "reconnect");
    requireNonNull(whileDisconnected, "whileDisconnected");
    requireNonNull(unmatchedResponses, "unmatchedResponses");
    requireNonNull(group, "group");
    requireNonNull(deadlines, "deadlines");
    requireNonNull(workers, "workers");
    requireNonNull(events, "events");
    requireNonNull(closed, "closed");
    requireNonNull(listener, "listener");
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * What every host client of one factory shares: settings (validated by the factory's builder) and
 * resources (threads).
 *
 * @param ssl the TLS context, {@code null} for plain TCP
 * @param defaultTimeout the deadline of calls that give none
 * @param connectTimeout TCP connect + TLS handshake + CONNECTED must take less
 * @param heartBeat the heart-beat offered in every CONNECT
 * @param heartBeatGrace a silent host is dead after this many negotiated intervals
 * @param limits frame limits for what hosts send
 * @param reconnect when to connect again
 * @param whileDisconnected what calls made without a session do
 * @param maxPendingCalls calls one host may have waiting at once
 * @param eventQueueCapacity events one subscription may have queued
 * @param parseBacklogBytes unparsed bytes per host above which reading pauses
 * @param unmatchedResponses told about answers that match no call
 * @param group the event loops of all connections
 * @param transport epoll or NIO
 * @param workers parses answers and completes futures (never a network thread)
 * @param events delivers events to subscribers
 * @param closed told when a host client is closed for good
 */
public record ClientContext(
    SslContext ssl,
    Duration defaultTimeout,
    Duration connectTimeout,
    HeartBeat heartBeat,
    double heartBeatGrace,
    StompDecoderLimits limits,
    ReconnectPolicy reconnect,
    WhileDisconnected whileDisconnected,
    int maxPendingCalls,
    int eventQueueCapacity,
    long parseBacklogBytes,
    BiConsumer<HostClient, JsonRpcResponse> unmatchedResponses,
    EventLoopGroup group,
    NettyTransport transport,
    Executor workers,
    Executor events,
    Consumer<HostClient> closed) {
  /** Checks that nothing required is null. */
  public ClientContext {
    requireNonNull(defaultTimeout, "defaultTimeout");
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(heartBeat, "heartBeat");
    requireNonNull(limits, "limits");
    requireNonNull(reconnect, "reconnect");
    requireNonNull(whileDisconnected, "whileDisconnected");
    requireNonNull(unmatchedResponses, "unmatchedResponses");
    requireNonNull(group, "group");
    requireNonNull(transport, "transport");
    requireNonNull(workers, "workers");
    requireNonNull(events, "events");
    requireNonNull(closed, "closed");
  }
}

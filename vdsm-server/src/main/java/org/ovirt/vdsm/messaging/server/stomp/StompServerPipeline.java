package org.ovirt.vdsm.messaging.server.stomp;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.ovirt.vdsm.messaging.server.StompSettings;
import org.ovirt.vdsm.messaging.server.broker.Broker;
import org.ovirt.vdsm.messaging.server.guard.PartialFrameGuard;
import org.ovirt.vdsm.messaging.server.guard.ServerBudgets;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;

/** Installs the host's STOMP handlers at the end of a connection's pipeline. */
public final class StompServerPipeline {
  /** Pipeline name of the frame decoder (the heart-beat handler goes right before it). */
  public static final String DECODER = "stomp-decoder";
  /** Pipeline name of the frame encoder. */
  public static final String ENCODER = "stomp-encoder";
  /** Pipeline name of the session handler. */
  public static final String SESSION = "stomp-session";

  /** Pipeline name of the handler that merges flushes (Netty's {@code FlushConsolidationHandler}). */
  public static final String FLUSHES = "stomp-flushes";
  /** Flushes merged at most, so a long read of many small frames still sends as it goes. */
  private static final int FLUSH_AT_MOST_EVERY = 64;

  private static final StompFrameEncoder ENCODER_INSTANCE = new StompFrameEncoder();

  private final Broker broker;
  private final RpcEndpoint endpoint;
  private final StompSettings settings;
  private final String serverName;
  private final ServerBudgets budgets;

  /** Sessions with budgets of their own (for a server of one pipeline). */
  public StompServerPipeline(
      Broker broker, RpcEndpoint endpoint, StompSettings settings, String serverName) {
    this(broker, endpoint, settings, serverName, new ServerBudgets(settings.guards()));
  }

  /** Sessions that share the server-wide {@code budgets}. */
  public StompServerPipeline(
      Broker broker, RpcEndpoint endpoint, StompSettings settings, String serverName, ServerBudgets budgets) {
    this.broker = requireNonNull(broker, "broker");
    this.endpoint = requireNonNull(endpoint, "endpoint");
    this.settings = requireNonNull(settings, "settings");
    this.serverName = requireNonNull(serverName, "serverName");
    this.budgets = requireNonNull(budgets, "budgets");
  }

  /**
   * Lets the connection of {@code pipeline} send several frames per flush: the answers to the frames
   * of one read at the end of the read, frames written from other threads once per run of the loop's
   * tasks. Only for a client that said it handles every frame of a read
   * ({@link StompHeaders#ACCEPT_BATCHED_FRAMES}); every other client gets a flush per frame.
   */
  static void mergeFlushes(ChannelPipeline pipeline) {
    if (pipeline.get(FLUSHES) == null) {
      pipeline.addBefore(PartialFrameGuard.NAME, FLUSHES, new FlushConsolidationHandler(FLUSH_AT_MOST_EVERY, true));
    }
  }

  /** Adds the partial-frame guard, decoder, encoder and a new session handler to {@code pipeline}. */
  public void install(ChannelPipeline pipeline) {
    StompFrameDecoder decoder = new StompFrameDecoder(settings.limits());
    PartialFrameGuard guard = new PartialFrameGuard(decoder, budgets);
    pipeline.addLast(PartialFrameGuard.NAME, guard);
    pipeline.addLast(DECODER, decoder);
    pipeline.addLast(PartialFrameGuard.NAME + "-done", guard.completions());
    pipeline.addLast(ENCODER, ENCODER_INSTANCE);
    pipeline.addLast(SESSION, new StompServerHandler(broker, endpoint, settings, serverName, budgets));
  }
}

package org.ovirt.vdsm.messaging.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Told what the host clients of one {@link EngineClientFactory} do, for metrics: which clients
 * exist, and how each call ended. Set with {@link EngineClientBuilder#listener}; {@code
 * client.metrics.EngineClientMetrics} is the Micrometer one. The client itself depends on nothing
 * more than this interface, so it runs without any metrics library. Methods are called on the
 * client's worker threads (or the caller's, for a call refused at once) and must not block.
 */
public interface ClientListener {
  /** Nothing is told: the default. */
  ClientListener NONE = new ClientListener() {};

  /** {@code client} was made (before it starts connecting; its state listeners can be added now). */
  default void hostOpened(HostClient client) {}

  /** {@code client} is closed for good. */
  default void hostClosed(HostClient client) {}

  /**
   * A call of {@code client} ended.
   *
   * @param failure {@code null} for a result, else why the call failed (a {@link
   *     VdsmClientException} as documented on {@link HostClient})
   */
  default void callEnded(HostClient client, Throwable failure) {}

  /** Tells {@code listener} of the end of each of {@code calls} (nothing when it is {@link #NONE}); returns them. */
  static <T> List<CompletableFuture<T>> observe(ClientListener listener, HostClient client, List<CompletableFuture<T>> calls) {
    if (listener != NONE) {
      for (CompletableFuture<T> call : calls) {
        call.whenComplete((result, failure) -> listener.callEnded(client, failure));
      }
    }
    return calls;
  }
}

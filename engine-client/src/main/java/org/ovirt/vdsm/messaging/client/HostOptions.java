package org.ovirt.vdsm.messaging.client;

/**
 * Settings of one host client that differ from host to host, given to {@link
 * EngineClientFactory#open(String, int, HostOptions)} and {@link EngineClientFactory#connect(String,
 * int, HostOptions)}.
 *
 * @param batchesAsSeparateRequests send each call of {@link HostClient#batch} as a request of its
 *     own instead of one JSON-RPC batch (each call keeps its own future and deadline). A VDSM host
 *     cannot answer a batch of two or more requests: it never replies, so every call of the batch
 *     would wait for its deadline. Default off (our hosts answer batches).
 */
public record HostOptions(boolean batchesAsSeparateRequests) {
  /** Batches sent as batches. */
  public static final HostOptions DEFAULTS = new HostOptions(false);

  /** For a VDSM host: batches sent as separate requests. */
  public static final HostOptions VDSM = new HostOptions(true);

  /** These options with batches sent as separate requests, or not. */
  public HostOptions withBatchesAsSeparateRequests(boolean separate) {
    return new HostOptions(separate);
  }
}

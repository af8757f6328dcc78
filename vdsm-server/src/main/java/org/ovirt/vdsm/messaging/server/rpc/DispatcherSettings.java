package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcLimits;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;

/**
 * Threads, queues, deadlines and size bounds of the {@link JsonRpcDispatcher}.
 *
 * @param parserThreads threads that parse request bodies and encode answers (default 2)
 * @param parserQueue bodies that may wait to be parsed; more are answered 1100 (default 10,000)
 * @param threadsPerSubsystem threads of each subsystem's executor (default 4)
 * @param queuePerSubsystem calls that may wait for each subsystem; more are answered 1100 at once
 *     (default 1,000)
 * @param requestTimeout a call not finished by then is answered with error -32000 and cancelled
 *     (interrupted) where possible (default 120 s)
 * @param jsonLimits what parsing one request body may build: batch members, values, nesting
 *     (default {@link JsonRpcLimits#DEFAULTS}); a body over a bound is answered with one -32600
 * @param maxAnswerBytes the largest answer body (default 16 MiB, the body limit peers apply to what
 *     they read); a response that would be larger is replaced by a -32603 error with its id
 */
public record DispatcherSettings(
    int parserThreads,
    int parserQueue,
    int threadsPerSubsystem,
    int queuePerSubsystem,
    Duration requestTimeout,
    JsonRpcLimits jsonLimits,
    int maxAnswerBytes) {

  /** Default of {@link #maxAnswerBytes()}: the default STOMP body limit, 16 MiB. */
  public static final int DEFAULT_MAX_ANSWER_BYTES = StompDecoderLimits.DEFAULTS.maxBodyBytes();

  /** The defaults documented on the components. */
  public static final DispatcherSettings DEFAULTS = new DispatcherSettings(2, 10_000, 4, 1_000, Duration.ofSeconds(120));

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException when a value is out of range
   */
  public DispatcherSettings {
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(jsonLimits, "jsonLimits");
    if (parserThreads < 1 || parserQueue < 1 || threadsPerSubsystem < 1 || queuePerSubsystem < 1) {
      throw new IllegalArgumentException("dispatcher threads and queues must be >= 1");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
    if (maxAnswerBytes < 1024) {
      throw new IllegalArgumentException("maxAnswerBytes must be >= 1024: " + maxAnswerBytes);
    }
  }

  /** Settings with the default JSON limits and answer bound. */
  public DispatcherSettings(
      int parserThreads, int parserQueue, int threadsPerSubsystem, int queuePerSubsystem, Duration requestTimeout) {
    this(parserThreads, parserQueue, threadsPerSubsystem, queuePerSubsystem, requestTimeout,
        JsonRpcLimits.DEFAULTS, DEFAULT_MAX_ANSWER_BYTES);
  }

  public DispatcherSettings withThreadsPerSubsystem(int threads) {
    return new DispatcherSettings(parserThreads, parserQueue, threads, queuePerSubsystem, requestTimeout, jsonLimits, maxAnswerBytes);
  }

  public DispatcherSettings withQueuePerSubsystem(int queue) {
    return new DispatcherSettings(parserThreads, parserQueue, threadsPerSubsystem, queue, requestTimeout, jsonLimits, maxAnswerBytes);
  }

  public DispatcherSettings withRequestTimeout(Duration timeout) {
    return new DispatcherSettings(parserThreads, parserQueue, threadsPerSubsystem, queuePerSubsystem, timeout, jsonLimits, maxAnswerBytes);
  }

  /** These settings with other bounds on parsing a body. */
  public DispatcherSettings withJsonLimits(JsonRpcLimits limits) {
    return new DispatcherSettings(parserThreads, parserQueue, threadsPerSubsystem, queuePerSubsystem, requestTimeout, limits, maxAnswerBytes);
  }

  /** These settings with another bound on answers. */
  public DispatcherSettings withMaxAnswerBytes(int bytes) {
    return new DispatcherSettings(parserThreads, parserQueue, threadsPerSubsystem, queuePerSubsystem, requestTimeout, jsonLimits, bytes);
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Threads, queues and deadlines of the {@link JsonRpcDispatcher}.
 *
 * @param parserThreads threads that parse request bodies and encode answers (default 2)
 * @param parserQueue bodies that may wait to be parsed; more are answered 1100 (default 10,000)
 * @param threadsPerSubsystem threads of each subsystem's executor (default 4)
 * @param queuePerSubsystem calls that may wait for each subsystem; more are answered 1100 at once
 *     (default 1,000)
 * @param requestTimeout a call not finished by then is answered with error -32000 and cancelled
 *     (interrupted) where possible (default 120 s)
 */
public record DispatcherSettings(
    int parserThreads, int parserQueue, int threadsPerSubsystem, int queuePerSubsystem, Duration requestTimeout) {

  /** The defaults documented on the components. */
  public static final DispatcherSettings DEFAULTS = new DispatcherSettings(2, 10_000, 4, 1_000, Duration.ofSeconds(120));

  public DispatcherSettings {
    requireNonNull(requestTimeout, "requestTimeout");
    if (parserThreads < 1 || parserQueue < 1 || threadsPerSubsystem < 1 || queuePerSubsystem < 1) {
      throw new IllegalArgumentException("dispatcher threads and queues must be >= 1");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
  }

  public DispatcherSettings withThreadsPerSubsystem(int threads) {
    return new DispatcherSettings(parserThreads, parserQueue, threads, queuePerSubsystem, requestTimeout);
  }

  public DispatcherSettings withQueuePerSubsystem(int queue) {
    return new DispatcherSettings(parserThreads, parserQueue, threadsPerSubsystem, queue, requestTimeout);
  }

  public DispatcherSettings withRequestTimeout(Duration timeout) {
    return new DispatcherSettings(parserThreads, parserQueue, threadsPerSubsystem, queuePerSubsystem, timeout);
  }
}

package org.ovirt.vdsm.messaging.it.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fleet clients' connect with retry: on a loaded machine a TLS handshake can outlast what the
 * host or the client waits for one, so each host gets a few attempts. Failed attempts that were
 * retried are counted for the report; a host still not connected after the last attempt is
 * reported and left to the caller's fallback (a client that keeps connecting on its own, and shows
 * as not open). Thread-safe.
 */
final class ConnectRetries {
  /** One connection attempt, {@code attempt} counting from 1. */
  @FunctionalInterface
  interface Attempt<T> {
    T connect(int attempt) throws Exception;
  }

  /** What a host that did not connect gets instead. */
  @FunctionalInterface
  interface Fallback<T> {
    T notConnected() throws Exception;
  }

  private final String client;
  private final int attempts;
  private final Class<? extends Exception> retriedOn;
  private final LongAdder retried = new LongAdder();

  /**
   * @param client the library's short name, for the printed lines
   * @param attempts attempts per host, at least 1
   * @param retriedOn the failures that are retried (others are thrown at once)
   */
  ConnectRetries(String client, int attempts, Class<? extends Exception> retriedOn) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1: " + attempts);
    }
    this.client = requireNonNull(client, "client");
    this.attempts = attempts;
    this.retriedOn = requireNonNull(retriedOn, "retriedOn");
  }

  /** Connects to {@code host} by {@code attempt}, up to the attempts allowed, else {@code fallback}. */
  <T> T connect(String host, Attempt<T> attempt, Fallback<T> fallback) throws Exception {
    Exception first = null;
    for (int n = 1; n <= attempts; n++) {
      try {
        return attempt.connect(n);
      } catch (Exception e) {
        if (!retriedOn.isInstance(e)) {
          throw e;
        }
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
        if (n < attempts) {
          retried.increment();
        }
      }
    }
    Throwable why = first instanceof ExecutionException && first.getCause() != null ? first.getCause() : first;
    System.out.println(client + ": " + host + " not connected after " + attempts + " attempts: " + why);
    return fallback.notConnected();
  }

  /** Failed attempts that were retried so far. */
  long retried() {
    return retried.sum();
  }

  /** Prints how many attempts failed and were retried, if any. */
  void report() {
    long n = retried.sum();
    if (n > 0) {
      System.out.println(client + ": " + n + " connection attempts failed and were retried");
    }
  }
}

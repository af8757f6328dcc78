package org.ovirt.vdsm.messaging.it;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.VdsmClientException;

/**
 * What a soak run did, by kind: operations that succeeded ({@code driver: operation}) and failures
 * ({@code driver: kind}, the kind naming the exception, its reason or error code). A wait that hit
 * its deadline is kind {@code lost}: an operation that never completed.
 */
final class SoakCounters {
  /** The failure kind of a wait that passed its deadline: something never completed. */
  static final String LOST = "lost";

  private final Map<String, LongAdder> done = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  void ok(String driver, String operation) {
    done.computeIfAbsent(driver + ": " + operation, k -> new LongAdder()).increment();
    total.increment();
  }

  void error(String driver, Throwable failure) {
    errors.computeIfAbsent(driver + ": " + kind(failure), k -> new LongAdder()).increment();
  }

  /** Operations that succeeded, all kinds. */
  long total() {
    return total.sum();
  }

  /** Successes by {@code driver: operation}, sorted. */
  Map<String, Long> done() {
    return snapshot(done);
  }

  /** Failures by {@code driver: kind}, sorted. */
  Map<String, Long> errors() {
    return snapshot(errors);
  }

  /** Successes of one driver, all operations. */
  long doneBy(String driver) {
    return done.entrySet().stream().filter(e -> e.getKey().startsWith(driver + ": ")).mapToLong(e -> e.getValue().sum()).sum();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** {@code ConnectionLostException(IO_ERROR)}, {@code JsonRpcError(1100)}, {@code lost}, or the class name. */
  static String kind(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException || t instanceof CancellationException) {
      return LOST;
    }
    if (t instanceof ConnectionLostException c) {
      return "ConnectionLostException(" + c.reason() + ")";
    }
    if (t instanceof VdsmClientException v) {
      return t.getClass().getSimpleName() + "(" + v.code() + ")";
    }
    return t.getClass().getSimpleName();
  }
}

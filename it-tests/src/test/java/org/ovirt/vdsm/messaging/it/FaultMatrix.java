package org.ovirt.vdsm.messaging.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.ovirt.vdsm.messaging.it.TcpProxy.Direction;

/**
 * The fault-injection matrix: the faults with the parameters used, the outcomes each protocol may
 * have under each fault and direction, and the outcomes seen (printed as a table at the end).
 *
 * <p>Outcome names: {@code answer} (the right one); an engine-client failure as {@link
 * SoakCounters#kind} names it, e.g. {@code ConnectionLostException(HEART_BEAT)} or {@code
 * CallTimeoutException(5022)}; for the raw STOMP client {@code ERROR <message>, closed}, {@code
 * closed} (end of stream), {@code reset}, {@code silence} (nothing, not even a heart-beat, until its
 * read deadline). {@code lost} (a future that never completed) is never allowed.
 */
final class FaultMatrix {

  /** A fault of the matrix, with the parameters the matrix uses. */
  enum Fault {
    LATENCY(new ProxyFault.Latency(Duration.ofMillis(150))),
    BANDWIDTH(new ProxyFault.Bandwidth(8 * 1024)),
    ONE_BYTE_PER_WRITE(new ProxyFault.OneBytePerWrite()),
    STALL_MID_FRAME(new ProxyFault.StallAfter(10)),
    RESET_MID_FRAME(new ProxyFault.ResetAfter(10)),
    FIN_MID_FRAME(new ProxyFault.FinAfter(10));

    final ProxyFault fault;

    Fault(ProxyFault fault) {
      this.fault = fault;
    }
  }

  /** One outcome seen. */
  record Seen(String protocol, Fault fault, Direction direction, String outcome, long millis) {}

  private static final List<Seen> SEEN = new ArrayList<>();
  private static final Map<String, Set<String>> ALLOWED = new ConcurrentHashMap<>();

  private FaultMatrix() {}

  /** Every fault in both directions. */
  static Stream<Arguments> cases() {
    return Stream.of(Fault.values()).flatMap(f -> Stream.of(Direction.values()).map(d -> Arguments.of(f, d)));
  }

  /** Declares what {@code protocol} may yield under {@code fault} in {@code direction}. */
  static void allow(String protocol, Fault fault, Direction direction, String... outcomes) {
    ALLOWED.put(key(protocol, fault, direction), Set.of(outcomes));
  }

  /** What {@code protocol} may yield under {@code fault} in {@code direction}. */
  static Set<String> allowed(String protocol, Fault fault, Direction direction) {
    Set<String> a = ALLOWED.get(key(protocol, fault, direction));
    if (a == null) {
      throw new IllegalStateException("no expectation for " + key(protocol, fault, direction));
    }
    return a;
  }

  static synchronized void record(Seen seen) {
    SEEN.add(seen);
  }

  /** The outcomes seen so far as a Markdown table. */
  static synchronized String table() {
    StringBuilder sb = new StringBuilder("| protocol | fault | direction | outcome | ms |\n| --- | --- | --- | --- | ---: |\n");
    for (Seen s : SEEN) {
      sb.append(String.format("| %s | %s | %s | %s | %d |%n", s.protocol(), s.fault(), s.direction(), s.outcome(), s.millis()));
    }
    return sb.toString();
  }

  private static String key(String protocol, Fault fault, Direction direction) {
    return protocol + " " + fault + " " + direction;
  }
}

package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import io.netty.util.ResourceLeakDetector;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The service's default for Netty's buffer leak detection: off, unless the JVM was started with a
 * level of its own ({@code -Dio.netty.leakDetection.level=simple}, or the older {@code
 * -Dio.netty.leakDetectionLevel}).
 *
 * <p>Netty's own default samples one buffer in 128 and records a stack trace for each sampled
 * buffer; under the engine's load of small calls (issue 13, scenario (g) of docs/benchmarks.md)
 * those stack traces were about 3% of the network thread's CPU in a {@code perf} profile. Leaks are
 * what the test suite looks for (paranoid level in every test JVM, a leak fails the build); a
 * running host can turn sampling back on with the property when a leak is suspected.
 */
public final class LeakDetectionDefault {
  /** Netty's property for the level. */
  static final String LEVEL = "io.netty.leakDetection.level";
  /** Netty's older spelling of it, still honoured by Netty. */
  static final String LEGACY_LEVEL = "io.netty.leakDetectionLevel";

  private LeakDetectionDefault() {}

  /** Turns leak detection off unless a system property asks for a level; call before any buffer is allocated. */
  public static void apply() {
    choose(System::getProperty).ifPresent(ResourceLeakDetector::setLevel);
  }

  /** The level to set, given how system properties are looked up; empty when one was set. */
  static Optional<ResourceLeakDetector.Level> choose(UnaryOperator<String> properties) {
    requireNonNull(properties, "properties");
    if (properties.apply(LEVEL) != null || properties.apply(LEGACY_LEVEL) != null) {
      return Optional.empty();
    }
    return Optional.of(ResourceLeakDetector.Level.DISABLED);
  }
}

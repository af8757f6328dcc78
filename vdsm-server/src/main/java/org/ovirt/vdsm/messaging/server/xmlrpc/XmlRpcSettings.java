package org.ovirt.vdsm.messaging.server.xmlrpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits;

/**
 * The legacy XML-RPC-over-HTTP binding of a host port.
 *
 * @param enabled whether XML-RPC is served; when not, every {@code POST} is answered {@code 501 Not
 *     Implemented} with a body saying XML-RPC is no longer supported (default: enabled)
 * @param limits the XML limits; {@code limits.maxBodyBytes()} is also the largest HTTP body accepted
 *     (a larger one is answered {@code 413})
 * @param maxInitialLineBytes the longest HTTP request line; default {@value
 *     #DEFAULT_MAX_INITIAL_LINE_BYTES} (a longer one is answered {@code 414} and the connection
 *     closed)
 * @param maxHeaderBytes the most bytes of all HTTP header lines of a request; default {@value
 *     #DEFAULT_MAX_HEADER_BYTES} (more is answered {@code 431} and the connection closed)
 * @param requestTimeout how long a connection may take to deliver a whole request, counted from its
 *     start or from the previous response; the connection is closed when it passes (VDSM used 60 s)
 * @param codecThreads threads that parse request bodies and write responses, off the network threads
 * @param codecQueueCapacity request bodies that may wait for a codec thread; more are answered with
 *     VDSM's status 1100 ("Not enough resources") at once
 * @param maxAnswerBytes the largest response body; default {@value #DEFAULT_MAX_ANSWER_BYTES} (64 MiB,
 *     what the engine client reads at most); a larger answer is replaced by a status struct with code
 *     -32603 saying so
 */
public record XmlRpcSettings(
    boolean enabled,
    XmlRpcLimits limits,
    int maxInitialLineBytes,
    int maxHeaderBytes,
    Duration requestTimeout,
    int codecThreads,
    int codecQueueCapacity,
    int maxAnswerBytes) {

  /** Default of {@link #maxAnswerBytes()}: 64 MiB. */
  public static final int DEFAULT_MAX_ANSWER_BYTES = 64 << 20;

  /** Default of {@link #maxInitialLineBytes()}: 4 KiB. */
  public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 4096;
  /** Default of {@link #maxHeaderBytes()}: 8 KiB. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
  /** Default of {@link #requestTimeout()}: 60 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** Enabled, default limits, 2 codec threads with a queue of 64. */
  public static final XmlRpcSettings DEFAULTS =
      new XmlRpcSettings(
          true, XmlRpcLimits.DEFAULTS, DEFAULT_MAX_INITIAL_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES,
          DEFAULT_REQUEST_TIMEOUT, 2, 64, DEFAULT_MAX_ANSWER_BYTES);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException when a value is out of range
   */
  public XmlRpcSettings {
    requireNonNull(limits, "limits");
    requireNonNull(requestTimeout, "requestTimeout");
    if (maxInitialLineBytes < 64 || maxHeaderBytes < 64) {
      throw new IllegalArgumentException("maxInitialLineBytes and maxHeaderBytes must be >= 64");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
    if (codecThreads < 1 || codecQueueCapacity < 1) {
      throw new IllegalArgumentException("codecThreads and codecQueueCapacity must be >= 1");
    }
    if (maxAnswerBytes < 1024) {
      throw new IllegalArgumentException("maxAnswerBytes must be >= 1024: " + maxAnswerBytes);
    }
  }

  /** Settings with the default answer bound. */
  public XmlRpcSettings(
      boolean enabled, XmlRpcLimits limits, int maxInitialLineBytes, int maxHeaderBytes, Duration requestTimeout,
      int codecThreads, int codecQueueCapacity) {
    this(enabled, limits, maxInitialLineBytes, maxHeaderBytes, requestTimeout, codecThreads, codecQueueCapacity,
        DEFAULT_MAX_ANSWER_BYTES);
  }

  /** These settings with another answer bound. */
  public XmlRpcSettings withMaxAnswerBytes(int value) {
    return new XmlRpcSettings(enabled, limits, maxInitialLineBytes, maxHeaderBytes, requestTimeout, codecThreads, codecQueueCapacity, value);
  }

  /** These settings, enabled or not. */
  public XmlRpcSettings withEnabled(boolean value) {
    return new XmlRpcSettings(value, limits, maxInitialLineBytes, maxHeaderBytes, requestTimeout, codecThreads, codecQueueCapacity, maxAnswerBytes);
  }

  /** These settings with other XML limits. */
  public XmlRpcSettings withLimits(XmlRpcLimits value) {
    return new XmlRpcSettings(enabled, value, maxInitialLineBytes, maxHeaderBytes, requestTimeout, codecThreads, codecQueueCapacity, maxAnswerBytes);
  }

  /** These settings with another request timeout. */
  public XmlRpcSettings withRequestTimeout(Duration value) {
    return new XmlRpcSettings(enabled, limits, maxInitialLineBytes, maxHeaderBytes, value, codecThreads, codecQueueCapacity, maxAnswerBytes);
  }
}

package org.ovirt.vdsm.messaging.xmlrpc;

/**
 * The limits of {@link XmlRpcCodec} when it reads XML from the network.
 *
 * @param maxBodyBytes the largest XML body, in bytes; default {@value #DEFAULT_MAX_BODY_BYTES} (8
 *     MiB, room for the largest {@code create} a real engine sends). Larger bodies are refused before
 *     they are parsed (the HTTP layer answers 413 before it has read them).
 * @param maxDepth the most {@code struct}/{@code array} levels nested in one value; default {@value
 *     #DEFAULT_MAX_DEPTH} (VDSM's deepest parameters nest about 6 levels). A scalar parameter has
 *     depth 0, a struct of scalars depth 1. Deeper values are a fault.
 */
public record XmlRpcLimits(int maxBodyBytes, int maxDepth) {
  /** Default of {@link #maxBodyBytes()}: 8 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
  /** Default of {@link #maxDepth()}: 64 nested containers. */
  public static final int DEFAULT_MAX_DEPTH = 64;
  /** The largest allowed {@link #maxBodyBytes()}: 1 GiB. */
  public static final int MAX_BODY_BYTES = 1 << 30;
  /** The largest allowed {@link #maxDepth()}: values are read and written recursively. */
  public static final int MAX_DEPTH = 1000;

  /** 8 MiB bodies, 64 levels. */
  public static final XmlRpcLimits DEFAULTS = new XmlRpcLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH);

  /**
   * Validates the limits.
   *
   * @throws IllegalArgumentException when a limit is out of its range
   */
  public XmlRpcLimits {
    if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES) {
      throw new IllegalArgumentException("maxBodyBytes must be between 1 and " + MAX_BODY_BYTES + ": " + maxBodyBytes);
    }
    if (maxDepth < 0 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException("maxDepth must be between 0 and " + MAX_DEPTH + ": " + maxDepth);
    }
  }

  /** These limits with {@link #maxBodyBytes()} replaced. */
  public XmlRpcLimits withMaxBodyBytes(int value) {
    return new XmlRpcLimits(value, maxDepth);
  }

  /** These limits with {@link #maxDepth()} replaced. */
  public XmlRpcLimits withMaxDepth(int value) {
    return new XmlRpcLimits(maxBodyBytes, value);
  }
}

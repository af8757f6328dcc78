package org.ovirt.vdsm.messaging.stomp.codec;

/**
 * The limits of {@link StompFrameDecoder}, all counted in bytes of the wire form and checked before
 * the bytes are accumulated: a frame is refused as soon as it is known to exceed one of them.
 *
 * <p>"servers MAY place maximum limits on: the number of frame headers allowed in a single frame,
 * the maximum length of header lines, the maximum size of a frame body. If these limits are exceeded
 * the server SHOULD send the client an ERROR frame and then close the connection." (STOMP 1.2, Size
 * Limits). The total size of the headers is limited too.
 *
 * @param maxLineBytes the longest command line or header line, without its EOL; default {@value
 *     #DEFAULT_MAX_LINE_BYTES} (8 KiB). At least {@value #MIN_LINE_BYTES}, the length of the longest
 *     command.
 * @param maxHeaderCount the most header lines in one frame; default {@value #DEFAULT_MAX_HEADER_COUNT}.
 *     At least 1.
 * @param maxHeaderBytes the most bytes of all header lines of one frame together, without their EOLs
 *     and without the command line; default {@value #DEFAULT_MAX_HEADER_BYTES} (64 KiB). At least 1.
 * @param maxBodyBytes the largest body, whether delimited by {@code content-length} or by the NUL
 *     octet; default {@value #DEFAULT_MAX_BODY_BYTES} (16 MiB). Between 0 and {@value
 *     #MAX_BODY_BYTES}.
 */
public record StompDecoderLimits(int maxLineBytes, int maxHeaderCount, int maxHeaderBytes, int maxBodyBytes) {

  /** Default of {@link #maxLineBytes()}: 8 KiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 8 * 1024;

  /** Default of {@link #maxHeaderCount()}: 128 headers. */
  public static final int DEFAULT_MAX_HEADER_COUNT = 128;

  /** Default of {@link #maxHeaderBytes()}: 64 KiB. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 64 * 1024;

  /** Default of {@link #maxBodyBytes()}: 16 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** The smallest allowed {@link #maxLineBytes()}: the length of {@code UNSUBSCRIBE}. */
  public static final int MIN_LINE_BYTES = 11;

  /** The largest allowed {@link #maxBodyBytes()}: about the largest Java array. */
  public static final int MAX_BODY_BYTES = Integer.MAX_VALUE - 16;

  /** The defaults: 8 KiB lines, 128 headers, 64 KiB of headers, 16 MiB bodies. */
  public static final StompDecoderLimits DEFAULTS =
      new StompDecoderLimits(
          DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_BODY_BYTES);

  /**
   * Validates the limits.
   *
   * @throws IllegalArgumentException when a limit is out of its range
   */
  public StompDecoderLimits {
    if (maxLineBytes < MIN_LINE_BYTES) {
      throw new IllegalArgumentException("maxLineBytes must be >= " + MIN_LINE_BYTES + ": " + maxLineBytes);
    }
    if (maxHeaderCount < 1) {
      throw new IllegalArgumentException("maxHeaderCount must be >= 1: " + maxHeaderCount);
    }
    if (maxHeaderBytes < 1) {
      throw new IllegalArgumentException("maxHeaderBytes must be >= 1: " + maxHeaderBytes);
    }
    if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be between 0 and " + MAX_BODY_BYTES + ": " + maxBodyBytes);
    }
  }

  /** These limits with {@link #maxLineBytes()} replaced. */
  public StompDecoderLimits withMaxLineBytes(int value) {
    return new StompDecoderLimits(value, maxHeaderCount, maxHeaderBytes, maxBodyBytes);
  }

  /** These limits with {@link #maxHeaderCount()} replaced. */
  public StompDecoderLimits withMaxHeaderCount(int value) {
    return new StompDecoderLimits(maxLineBytes, value, maxHeaderBytes, maxBodyBytes);
  }

  /** These limits with {@link #maxHeaderBytes()} replaced. */
  public StompDecoderLimits withMaxHeaderBytes(int value) {
    return new StompDecoderLimits(maxLineBytes, maxHeaderCount, value, maxBodyBytes);
  }

  /** These limits with {@link #maxBodyBytes()} replaced. */
  public StompDecoderLimits withMaxBodyBytes(int value) {
    return new StompDecoderLimits(maxLineBytes, maxHeaderCount, maxHeaderBytes, value);
  }
}

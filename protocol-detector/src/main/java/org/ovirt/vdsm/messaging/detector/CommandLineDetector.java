package org.ovirt.vdsm.messaging.detector;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * A detector for text protocols whose first line starts with one of a fixed set of case-sensitive
 * words followed by a given kind of separator: STOMP (a client command, then an EOL) and HTTP (a
 * method, then a space and the request target).
 */
public final class CommandLineDetector implements ProtocolDetector {
  /** The client commands of STOMP 1.2. */
  public static final List<String> STOMP_CLIENT_COMMANDS =
      List.of("CONNECT", "STOMP", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT", "DISCONNECT");

  /** The request methods of HTTP/1.1 (RFC 9110, section 9). */
  public static final List<String> HTTP_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private enum Separator {
    /** {@code \n} or {@code \r\n}: STOMP's command line. */
    EOL,
    /** A space followed by a non-space: an HTTP request line. */
    SPACE_THEN_TARGET
  }

  private final String name;
  private final byte[][] words;
  private final Separator separator;
  private final Consumer<ChannelPipeline> installer;
  private final int bytesNeeded;

  private CommandLineDetector(String name, List<String> words, Separator separator, Consumer<ChannelPipeline> installer) {
    this.name = name;
    this.words = words.stream().map(w -> w.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    this.separator = separator;
    this.installer = requireNonNull(installer, "installer");
    this.bytesNeeded = words.stream().mapToInt(String::length).max().orElse(0) + 2;
  }

  /**
   * STOMP: any STOMP 1.2 client command ({@code CONNECT}, {@code STOMP}, {@code SEND},
   * {@code SUBSCRIBE}, ...) followed by an EOL. Real engines have sent SUBSCRIBE or SEND first.
   */
  public static CommandLineDetector stomp(Consumer<ChannelPipeline> installer) {
    return new CommandLineDetector("stomp", STOMP_CLIENT_COMMANDS, Separator.EOL, installer);
  }

  /** HTTP/1.x: a request method followed by a space and a request target ({@code POST /RPC2}). */
  public static CommandLineDetector http(Consumer<ChannelPipeline> installer) {
    return new CommandLineDetector("http", HTTP_METHODS, Separator.SPACE_THEN_TARGET, installer);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int bytesNeeded() {
    return bytesNeeded;
  }

  @Override
  public Match match(ByteBuf in) {
    boolean needMore = false;
    for (byte[] word : words) {
      Match m = matchWord(in, word);
      if (m == Match.YES) {
        return Match.YES;
      }
      needMore |= m == Match.NEED_MORE;
    }
    return needMore ? Match.NEED_MORE : Match.NO;
  }

  private Match matchWord(ByteBuf in, byte[] word) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    int n = Math.min(readable, word.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(start + i) != word[i]) {
        return Match.NO;
      }
    }
    if (readable <= word.length) {
      return Match.NEED_MORE;
    }
    byte first = in.getByte(start + word.length);
    if (separator == Separator.EOL) {
      if (first == '\n') {
        return Match.YES;
      }
      if (first != '\r') {
        return Match.NO;
      }
      if (readable == word.length + 1) {
        return Match.NEED_MORE;
      }
      return in.getByte(start + word.length + 1) == '\n' ? Match.YES : Match.NO;
    }
    if (first != ' ') {
      return Match.NO;
    }
    if (readable == word.length + 1) {
      return Match.NEED_MORE;
    }
    byte target = in.getByte(start + word.length + 1);
    return target != ' ' && target != '\r' && target != '\n' ? Match.YES : Match.NO;
  }

  @Override
  public void install(ChannelPipeline pipeline) {
    installer.accept(pipeline);
  }

  @Override
  public String toString() {
    return name;
  }
}

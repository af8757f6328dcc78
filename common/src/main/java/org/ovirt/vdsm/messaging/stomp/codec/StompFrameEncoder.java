package org.ovirt.vdsm.messaging.stomp.codec;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.List;
import java.util.Map;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;
import org.ovirt.vdsm.messaging.stomp.StompHeartBeat;

/**
 * Encodes {@link StompFrame}s and {@link StompHeartBeat}s; any other message is passed on untouched.
 * Stateless and sharable; {@link #encode(StompFrame)} gives the same bytes without a channel.
 *
 * <p>Strict in what it sends:
 *
 * <ul>
 *   <li>EOL is a single LF; a heart-beat is one LF.
 *   <li>Header names and values are written in UTF-8. For every command but CONNECT, STOMP and
 *       CONNECTED they are escaped ({@code \\ \n \r \c}); those three "do not escape the carriage
 *       return, line feed or colon octets" (STOMP 1.2, Value Encoding), so a value there containing
 *       CR or LF, or a name containing a colon, CR or LF, cannot be sent and is refused.
 *   <li>A frame with a non-empty body gets exactly one {@code content-length}, the true length of the
 *       body ("If a frame body is present, the SEND, MESSAGE and ERROR frames SHOULD include a
 *       content-length header to ease frame parsing", STOMP 1.2, Header content-length): it takes
 *       the place of the first {@code content-length} the caller set, or comes after the other
 *       headers; further caller-set ones are dropped. A frame with an empty body gets {@code
 *       content-length:0} only if the caller set one.
 *   <li>"Only the SEND, MESSAGE, and ERROR frames MAY have a body": a body on any other command is
 *       refused, as is an empty header name or a string that is not valid Unicode (lone surrogate).
 * </ul>
 *
 * <p>Refusals are {@link IllegalArgumentException}s ({@code EncoderException} in a pipeline). The
 * output buffer is allocated once with the exact encoded size.
 */
@ChannelHandler.Sharable
public class StompFrameEncoder extends MessageToByteEncoder<Object> {

  /** A shared instance. */
  public static final StompFrameEncoder INSTANCE = new StompFrameEncoder();

  private static final byte[] HEART_BEAT = {'\n'};

  /** An encoder; instances are stateless, {@link #INSTANCE} may be shared. */
  public StompFrameEncoder() {
    super(Object.class);
  }

  /**
   * The wire form of {@code frame}: the bytes the encoder writes to a channel for it.
   *
   * @throws IllegalArgumentException when the frame cannot be sent (see the class comment)
   */
  public static byte[] encode(StompFrame frame) {
    requireNonNull(frame, "frame");
    byte[] head = head(frame);
    byte[] body = frame.body();
    byte[] out = new byte[head.length + body.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    out[out.length - 1] = 0;
    return out;
  }

  /** The wire form of a heart-beat: a single LF. */
  public static byte[] encode(StompHeartBeat heartBeat) {
    requireNonNull(heartBeat, "heartBeat");
    return HEART_BEAT.clone();
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof StompFrame || msg instanceof StompHeartBeat;
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
    int size = msg instanceof StompFrame ? encodedLength((StompFrame) msg) : HEART_BEAT.length;
    return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
    if (msg instanceof StompHeartBeat) {
      out.writeBytes(HEART_BEAT);
      return;
    }
    StompFrame frame = (StompFrame) msg;
    out.writeBytes(head(frame));
    out.writeBytes(frame.body());
    out.writeByte(0);
  }

  /** The exact number of bytes {@link #encode(StompFrame)} produces. */
  static int encodedLength(StompFrame frame) {
    Counter counter = new Counter();
    writeHead(frame, counter);
    return Math.addExact(Math.addExact(counter.count, frame.body().length), 1);
  }

  /** Command line, header lines and the blank line, in an array of exactly their size. */
  private static byte[] head(StompFrame frame) {
    Counter counter = new Counter();
    writeHead(frame, counter);
    ArraySink sink = new ArraySink(counter.count);
    writeHead(frame, sink);
    return sink.bytes;
  }

  /** The one code path for measuring and writing: validates, then writes the head to {@code sink}. */
  private static void writeHead(StompFrame frame, Sink sink) {
    StompCommand command = frame.command();
    int bodyLength = frame.body().length;
    if (bodyLength > 0 && !command.isBodyAllowed()) {
      throw new IllegalArgumentException(
          "a " + command + " frame must not have a body (" + bodyLength + " bytes)");
    }
    writeAscii(command.name(), sink);
    sink.write('\n');
    boolean escape = command.escapesHeaders();
    String length = Integer.toString(bodyLength);
    boolean lengthWritten = false;
    List<Map.Entry<String, String>> headers = frame.headers();
    for (int i = 0, n = headers.size(); i < n; i++) { // by index: no iterator per frame
      Map.Entry<String, String> h = headers.get(i);
      String name = h.getKey();
      if (StompHeaders.CONTENT_LENGTH.equals(name)) {
        if (!lengthWritten) {
          writeHeader(StompHeaders.CONTENT_LENGTH, length, escape, command, sink);
          lengthWritten = true;
        }
        continue;
      }
      writeHeader(name, h.getValue(), escape, command, sink);
    }
    if (bodyLength > 0 && !lengthWritten) {
      writeHeader(StompHeaders.CONTENT_LENGTH, length, escape, command, sink);
    }
    sink.write('\n');
  }

  private static void writeHeader(String name, String value, boolean escape, StompCommand command, Sink sink) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty header name in a " + command + " frame");
    }
    if (!escape) {
      if (name.indexOf(':') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "header name '" + name + "' of a " + command + " frame contains a colon, CR or LF, which it cannot escape");
      }
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "header '" + name + "' of a " + command + " frame contains CR or LF, which it cannot escape");
      }
    }
    writeText(name, escape, sink);
    sink.write(':');
    writeText(value, escape, sink);
    sink.write('\n');
  }

  private static void writeAscii(String s, Sink sink) {
    for (int i = 0; i < s.length(); i++) {
      sink.write(s.charAt(i));
    }
  }

  /** UTF-8, with the escapes of STOMP 1.2 when {@code escape}. */
  private static void writeText(String s, boolean escape, Sink sink) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (escape) {
        switch (c) {
          case '\\':
            sink.write('\\');
            sink.write('\\');
            continue;
          case '\n':
            sink.write('\\');
            sink.write('n');
            continue;
          case '\r':
            sink.write('\\');
            sink.write('r');
            continue;
          case ':':
            sink.write('\\');
            sink.write('c');
            continue;
          default:
            break;
        }
      }
      if (c < 0x80) {
        sink.write(c);
      } else if (c < 0x800) {
        sink.write(0xc0 | (c >> 6));
        sink.write(0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new IllegalArgumentException("a header contains a lone surrogate (not valid Unicode)");
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        sink.write(0xf0 | (cp >> 18));
        sink.write(0x80 | ((cp >> 12) & 0x3f));
        sink.write(0x80 | ((cp >> 6) & 0x3f));
        sink.write(0x80 | (cp & 0x3f));
      } else {
        sink.write(0xe0 | (c >> 12));
        sink.write(0x80 | ((c >> 6) & 0x3f));
        sink.write(0x80 | (c & 0x3f));
      }
    }
  }

  private interface Sink {
    void write(int b);
  }

  private static final class Counter implements Sink {
    int count;

    @Override
    public void write(int b) {
      count++;
    }
  }

  private static final class ArraySink implements Sink {
    final byte[] bytes;
    int position;

    ArraySink(int size) {
      bytes = new byte[size];
    }

    @Override
    public void write(int b) {
      bytes[position++] = (byte) b;
    }
  }
}

package org.ovirt.vdsm.messaging.detector;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes plaintext protocol detection ({@link ProtocolDetection} with the STOMP and HTTP {@link
 * CommandLineDetector}s, as the host's port uses them) with arbitrary first bytes (Jazzer; seeds and
 * findings in {@code ProtocolDetectionFuzzTestInputs}). Each input is fed whole, one byte per read and
 * in pseudo-random chunks derived from the input, and must:
 *
 * <ul>
 *   <li>end as a simple model of the wire contract says: STOMP for a client command and an EOL after
 *       leading EOLs, else HTTP for a method, a space and a target, else still waiting while the
 *       bytes could become one of those and are fewer than the byte budget, else closed;
 *   <li>come out the same however it is split;
 *   <li>hand the chosen protocol every byte after the leading EOLs, byte-exact, and nothing to the
 *       other;
 *   <li>close a connection still undecided when the detection deadline passes, and leave a detected
 *       one alone;
 *   <li>release every buffer it was given.
 * </ul>
 */
@Tag("fuzz")
class ProtocolDetectionFuzzTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int BUDGET = "UNSUBSCRIBE\r\n".length();

  @FuzzTest(maxDuration = "10m")
  void detectsArbitraryBytes(byte[] input) {
    Outcome expected = model(input);
    assertThat(detect(List.of(input))).as("whole").isEqualTo(expected);
    assertThat(detect(bytewise(input))).as("one byte per read").isEqualTo(expected);
    assertThat(detect(randomChunks(input))).as("random chunks").isEqualTo(expected);
  }

  /** Which protocol got the connection (null: none), the bytes it got, and whether it is still open. */
  private record Outcome(String protocol, String bytes, boolean open) {}

  private static Outcome detect(List<byte[]> reads) {
    Sink stomp = new Sink();
    Sink http = new Sink();
    DetectionSettings settings =
        new DetectionSettings(
            TlsMode.OFF,
            null,
            DetectionSettings.DEFAULT_HANDSHAKE_TIMEOUT,
            TIMEOUT,
            List.of(
                CommandLineDetector.stomp(p -> p.addLast("stomp", stomp)),
                CommandLineDetector.http(p -> p.addLast("http", http))));
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    ProtocolDetection.install(channel.pipeline(), settings);
    List<ByteBuf> given = new ArrayList<>();
    Outcome outcome;
    try {
      for (byte[] read : reads) {
        if (!channel.isOpen()) {
          break;
        }
        ByteBuf buf = channel.alloc().buffer(read.length).writeBytes(read);
        given.add(buf);
        channel.writeInbound(buf);
      }
      String protocol = stomp.received() ? "stomp" : http.received() ? "http" : null;
      assertThat(stomp.received() && http.received()).as("both protocols got bytes").isFalse();
      String bytes = protocol == null ? "" : (protocol.equals("stomp") ? stomp : http).text();
      boolean open = channel.isOpen();
      outcome = new Outcome(protocol, bytes, open);

      // The deadline closes what is undecided and nothing else.
      channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
      assertThat(channel.isOpen()).as("open after the deadline").isEqualTo(open && protocol != null);
    } finally {
      channel.finishAndReleaseAll();
    }
    for (ByteBuf buf : given) {
      assertThat(buf.refCnt()).as("a buffer given to detection was not released").isZero();
    }
    return outcome;
  }

  /** The wire contract's rules, written independently of the detector. */
  private static Outcome model(byte[] input) {
    if (input.length > 0 && input[0] == 0x16) {
      return new Outcome(null, "", false); // a TLS handshake on a plaintext-only port
    }
    int start = 0;
    while (start < input.length && (input[start] == '\n' || input[start] == '\r')) {
      start++;
    }
    String rest = new String(input, start, input.length - start, StandardCharsets.ISO_8859_1);
    boolean couldBe = rest.isEmpty();
    for (String command : CommandLineDetector.STOMP_CLIENT_COMMANDS) {
      if (rest.startsWith(command + "\n") || rest.startsWith(command + "\r\n")) {
        return new Outcome("stomp", rest, true);
      }
      couldBe |= (command + "\r\n").startsWith(rest) || (command + "\n").startsWith(rest);
    }
    for (String method : CommandLineDetector.HTTP_METHODS) {
      if (rest.length() > method.length() + 1 && rest.startsWith(method + " ")) {
        char target = rest.charAt(method.length() + 1);
        if (target != ' ' && target != '\r' && target != '\n') {
          return new Outcome("http", rest, true);
        }
      }
      couldBe |= (method + " ").startsWith(rest);
    }
    return new Outcome(null, "", couldBe && rest.length() < BUDGET);
  }

  private static List<byte[]> bytewise(byte[] input) {
    List<byte[]> reads = new ArrayList<>(input.length);
    for (byte b : input) {
      reads.add(new byte[] {b});
    }
    return reads;
  }

  /** Chunks of 1 to 8 bytes, the sizes drawn from a generator seeded by the input itself. */
  private static List<byte[]> randomChunks(byte[] input) {
    SplittableRandom random = new SplittableRandom(Arrays.hashCode(input));
    List<byte[]> reads = new ArrayList<>();
    for (int at = 0; at < input.length; ) {
      int end = Math.min(input.length, at + 1 + random.nextInt(8));
      reads.add(Arrays.copyOfRange(input, at, end));
      at = end;
    }
    return reads;
  }

  /** Collects the bytes a protocol's pipeline receives, releasing them. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean installed;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      installed = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        bytes.writeBytes(b);
      } finally {
        buf.release();
      }
    }

    boolean received() {
      return installed;
    }

    String text() {
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }
  }
}

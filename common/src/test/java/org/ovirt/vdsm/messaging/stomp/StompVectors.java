package org.ovirt.vdsm.messaging.stomp;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Byte-exact STOMP 1.2 test vectors shared by the tests of every module (common's test-jar): each
 * vector is a name, the exact bytes on the wire and the frame they decode to. A vector is {@link
 * Vector#canonical() canonical} when {@code StompFrameEncoder} writes exactly those bytes for the
 * frame (LF EOLs, a correct {@code content-length} wherever there is a body).
 */
public final class StompVectors {

  private static final String NUL = "\0";
  private static final String REQUEST_ID = "7c3a1e52-2a7f-4b5e-9a0e-3b0c6f8d9e11";
  private static final String SUBSCRIPTION_ID = "5b8d7c1e-0d44-4f0e-8c6b-2a1f9e3d7c55";
  private static final String REQUEST_BODY =
      "{\"jsonrpc\":\"2.0\",\"method\":\"Host.getCapabilities\",\"params\":{},\"id\":\"" + REQUEST_ID + "\"}";
  private static final String RESPONSE_BODY =
      "{\"jsonrpc\":\"2.0\",\"result\":{\"cpuCores\":\"4\",\"vmTypes\":[\"kvm\"]},\"id\":\"" + REQUEST_ID + "\"}";
  private static final String ERROR_BODY = "The frame contained an undefined escape sequence: \\t";

  /**
   * One vector.
   *
   * @param name what it shows, used as the display name of parameterized tests
   * @param wire the exact bytes on the wire (a copy is returned)
   * @param frame the frame those bytes decode to
   * @param canonical whether the encoder writes exactly {@code wire} for {@code frame}
   */
  public record Vector(String name, byte[] wire, StompFrame frame, boolean canonical) {
    /** Checks the components are present. */
    public Vector {
      requireNonNull(name, "name");
      requireNonNull(wire, "wire");
      requireNonNull(frame, "frame");
    }

    /** A copy of the wire bytes. */
    @Override
    public byte[] wire() {
      return wire.clone();
    }

    /** The wire bytes as text (ISO-8859-1, one char per byte), for messages. */
    public String wireText() {
      return new String(wire, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** CONNECT exactly as a real engine (vdsm-jsonrpc-java) sends it: {@code host:null}, no content-type. */
  public static final Vector ENGINE_CONNECT =
      new Vector(
          "engine CONNECT",
          bytes("CONNECT\naccept-version:1.2\nhost:null\nheart-beat:5000,5000\n\n" + NUL),
          StompFrame.builder(StompCommand.CONNECT)
              .header("accept-version", "1.2")
              .header("host", "null")
              .header("heart-beat", "5000,5000")
              .build(),
          true);

  /** CONNECT with a raw colon in a value: split at the first colon, not escaped in CONNECT. */
  public static final Vector CONNECT_HOST_WITH_PORT =
      new Vector(
          "CONNECT with host:engine:54321",
          bytes("CONNECT\naccept-version:1.2\nhost:engine:54321\n\n" + NUL),
          StompFrame.builder(StompCommand.CONNECT)
              .header("accept-version", "1.2")
              .header("host", "engine:54321")
              .build(),
          true);

  /** The STOMP command; a backslash stays literal because STOMP frames are not escaped. */
  public static final Vector STOMP_COMMAND =
      new Vector(
          "STOMP with a literal backslash",
          bytes("STOMP\naccept-version:1.2\nhost:vdsm.example.com\nlogin:EXAMPLE\\admin\n\n" + NUL),
          StompFrame.builder(StompCommand.STOMP)
              .header("accept-version", "1.2")
              .header("host", "vdsm.example.com")
              .header("login", "EXAMPLE\\admin")
              .build(),
          true);

  /** CONNECTED as a VDSM-style server answers. */
  public static final Vector CONNECTED =
      new Vector(
          "CONNECTED",
          bytes("CONNECTED\nversion:1.2\nheart-beat:5000,5000\n\n" + NUL),
          StompFrame.builder(StompCommand.CONNECTED)
              .header("version", "1.2")
              .header("heart-beat", "5000,5000")
              .build(),
          true);

  /** SEND exactly as a real engine sends a request. */
  public static final Vector ENGINE_SEND =
      new Vector(
          "engine SEND request",
          bytes(
              "SEND\novirtCorrelationId:3f1b2c4d\ndestination:jms.topic.vdsm_requests\n"
                  + "reply-to:jms.topic.vdsm_responses\ncontent-length:105\n\n"
                  + REQUEST_BODY
                  + NUL),
          StompFrame.builder(StompCommand.SEND)
              .header("ovirtCorrelationId", "3f1b2c4d")
              .header("destination", "jms.topic.vdsm_requests")
              .header("reply-to", "jms.topic.vdsm_responses")
              .header("content-length", "105")
              .body(REQUEST_BODY)
              .build(),
          true);

  /** MESSAGE carrying a JSON-RPC response to a subscriber. */
  public static final Vector RESPONSE_MESSAGE =
      new Vector(
          "MESSAGE response",
          bytes(
              "MESSAGE\ndestination:jms.topic.vdsm_responses\ncontent-type:application/json\n"
                  + "subscription:" + SUBSCRIPTION_ID + "\nmessage-id:1001\ncontent-length:105\n\n"
                  + RESPONSE_BODY
                  + NUL),
          StompFrame.builder(StompCommand.MESSAGE)
              .header("destination", "jms.topic.vdsm_responses")
              .header("content-type", "application/json")
              .header("subscription", SUBSCRIPTION_ID)
              .header("message-id", "1001")
              .header("content-length", "105")
              .body(RESPONSE_BODY)
              .build(),
          true);

  /** SUBSCRIBE as an engine subscribes to its responses. */
  public static final Vector SUBSCRIBE =
      new Vector(
          "SUBSCRIBE ack:auto",
          bytes("SUBSCRIBE\ndestination:jms.topic.vdsm_responses\nid:" + SUBSCRIPTION_ID + "\nack:auto\n\n" + NUL),
          StompFrame.builder(StompCommand.SUBSCRIBE)
              .header("destination", "jms.topic.vdsm_responses")
              .header("id", SUBSCRIPTION_ID)
              .header("ack", "auto")
              .build(),
          true);

  /** ERROR with a short message and a text body. */
  public static final Vector ERROR =
      new Vector(
          "ERROR",
          bytes(
              "ERROR\nmessage:undefined escape\ncontent-type:text/plain\ncontent-length:52\n\n"
                  + ERROR_BODY
                  + NUL),
          StompFrame.builder(StompCommand.ERROR)
              .header("message", "undefined escape")
              .header("content-type", "text/plain")
              .header("content-length", "52")
              .body(ERROR_BODY)
              .build(),
          true);

  /** RECEIPT. */
  public static final Vector RECEIPT =
      new Vector(
          "RECEIPT",
          bytes("RECEIPT\nreceipt-id:77\n\n" + NUL),
          StompFrame.builder(StompCommand.RECEIPT).header("receipt-id", "77").build(),
          true);

  /** DISCONNECT asking for a receipt. */
  public static final Vector DISCONNECT =
      new Vector(
          "DISCONNECT with receipt",
          bytes("DISCONNECT\nreceipt:77\n\n" + NUL),
          StompFrame.builder(StompCommand.DISCONNECT).header("receipt", "77").build(),
          true);

  /** All four escapes, in a header name and in a value. */
  public static final Vector ESCAPES =
      new Vector(
          "escaped header name and value",
          bytes("SEND\ndestination:/queue/a\nkey\\cname:back\\\\slash\\nnew\\rret\\ccolon\n\n" + NUL),
          StompFrame.builder(StompCommand.SEND)
              .header("destination", "/queue/a")
              .header("key:name", "back\\slash\nnew\rret:colon")
              .build(),
          true);

  /** A body containing NULs, delimited by content-length. */
  public static final Vector BODY_WITH_NUL =
      new Vector(
          "body with NUL and content-length",
          bytes("SEND\ndestination:/queue/binary\ncontent-length:5\n\na" + NUL + "b" + NUL + "c" + NUL),
          StompFrame.builder(StompCommand.SEND)
              .header("destination", "/queue/binary")
              .header("content-length", "5")
              .body(new byte[] {'a', 0, 'b', 0, 'c'})
              .build(),
          true);

  /** A body delimited by the NUL alone; the encoder would add content-length. */
  public static final Vector BODY_WITHOUT_CONTENT_LENGTH =
      new Vector(
          "body without content-length",
          bytes("SEND\ndestination:/queue/a\n\nhello world" + NUL),
          StompFrame.builder(StompCommand.SEND).header("destination", "/queue/a").body("hello world").build(),
          false);

  /** An explicit content-length:0 and no body. */
  public static final Vector EMPTY_BODY_WITH_CONTENT_LENGTH =
      new Vector(
          "content-length:0",
          bytes("SEND\ndestination:/queue/a\ncontent-length:0\n\n" + NUL),
          StompFrame.builder(StompCommand.SEND)
              .header("destination", "/queue/a")
              .header("content-length", "0")
              .build(),
          true);

  /** A header value with 2-, 3- and 4-byte UTF-8 sequences. */
  public static final Vector UTF8_HEADER =
      new Vector(
          "UTF-8 header value",
          utf8("SEND\ndestination:/queue/a\novirtCorrelationId:fl\u00f6w-\u65e5\u672c-\ud83d\ude00\n\n" + NUL),
          StompFrame.builder(StompCommand.SEND)
              .header("destination", "/queue/a")
              .header("ovirtCorrelationId", "fl\u00f6w-\u65e5\u672c-\ud83d\ude00")
              .build(),
          true);

  /** CR LF line ends everywhere; the encoder writes LF. */
  public static final Vector CRLF =
      new Vector(
          "CRLF EOLs",
          bytes("SEND\r\ndestination:/queue/a\r\ncontent-length:5\r\n\r\nhello" + NUL),
          StompFrame.builder(StompCommand.SEND)
              .header("destination", "/queue/a")
              .header("content-length", "5")
              .body("hello")
              .build(),
          false);

  /** A repeated header: both kept in order, the first is the value. */
  public static final Vector REPEATED_HEADERS =
      new Vector(
          "repeated headers",
          bytes("MESSAGE\ndestination:/topic/a\nsubscription:s1\nmessage-id:m1\nfoo:first\nfoo:second\n\n" + NUL),
          StompFrame.builder(StompCommand.MESSAGE)
              .header("destination", "/topic/a")
              .header("subscription", "s1")
              .header("message-id", "m1")
              .header("foo", "first")
              .header("foo", "second")
              .build(),
          true);

  private static final List<Vector> ALL =
      List.of(
          ENGINE_CONNECT,
          CONNECT_HOST_WITH_PORT,
          STOMP_COMMAND,
          CONNECTED,
          ENGINE_SEND,
          RESPONSE_MESSAGE,
          SUBSCRIBE,
          ERROR,
          RECEIPT,
          DISCONNECT,
          ESCAPES,
          BODY_WITH_NUL,
          BODY_WITHOUT_CONTENT_LENGTH,
          EMPTY_BODY_WITH_CONTENT_LENGTH,
          UTF8_HEADER,
          CRLF,
          REPEATED_HEADERS);

  private StompVectors() {}

  /** Every vector. */
  public static List<Vector> all() {
    return ALL;
  }

  /** The vectors the encoder reproduces byte for byte. */
  public static List<Vector> canonical() {
    return ALL.stream().filter(Vector::canonical).collect(Collectors.toUnmodifiableList());
  }

  /** One byte per char; every char must be below 256 (the vectors are ASCII). */
  private static byte[] bytes(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        throw new IllegalArgumentException("not ASCII: " + s);
      }
    }
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

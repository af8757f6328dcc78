package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodecTest.call;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * XML from the network is hostile: malformed documents, DTDs, external entities (XXE), entity
 * expansion bombs and deep nesting each get a fault, never a crash, a file read or a connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class XmlRpcHostileInputTest {
  private static final String SECRET = "TOP-SECRET-6f1d2c";

  @TempDir Path dir;

  private static XmlRpcFault fault(String xml) {
    return fault(xml.getBytes(StandardCharsets.UTF_8), XmlRpcLimits.DEFAULTS);
  }

  private static XmlRpcFault fault(byte[] xml, XmlRpcLimits limits) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> XmlRpcCodec.parseCall(xml, limits));
    assertThat(t).as("a fault").isInstanceOf(XmlRpcFault.class);
    return (XmlRpcFault) t;
  }

  static Stream<Arguments> malformed() {
    int notWellFormed = XmlRpcFault.NOT_WELL_FORMED;
    int invalid = XmlRpcFault.INVALID_XML_RPC;
    return Stream.of(
        Arguments.of("empty body", "", notWellFormed),
        Arguments.of("not XML", "ping", notWellFormed),
        Arguments.of("JSON", "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\"}", notWellFormed),
        Arguments.of("unclosed element", "<methodCall><methodName>ping</methodName>", notWellFormed),
        Arguments.of("mismatched tags", "<methodCall><methodName>ping</methodCall></methodName>", notWellFormed),
        Arguments.of("undeclared entity", call("<value><string>&xxe;</string></value>"), notWellFormed),
        Arguments.of("unbound prefix", call("<value><ex:nil/></value>"), notWellFormed),
        Arguments.of("second root", "<methodCall><methodName>ping</methodName></methodCall><x/>", notWellFormed),
        Arguments.of("wrong root", "<methodResponse><params/></methodResponse>", invalid),
        Arguments.of("root in a namespace", "<m:methodCall xmlns:m=\"urn:x\"><methodName>p</methodName></m:methodCall>", invalid),
        Arguments.of("no methodName", "<methodCall><params/></methodCall>", invalid),
        Arguments.of("empty methodName", "<methodCall><methodName></methodName></methodCall>", invalid),
        Arguments.of("methodName with a space", "<methodCall><methodName>a b</methodName></methodCall>", invalid),
        Arguments.of("methodName too long", "<methodCall><methodName>" + "a".repeat(257) + "</methodName></methodCall>", invalid),
        Arguments.of("element in methodName", "<methodCall><methodName><b>x</b></methodName></methodCall>", invalid),
        Arguments.of("text in params", "<methodCall><methodName>m</methodName><params>x</params></methodCall>", invalid),
        Arguments.of("param without value", call(""), invalid),
        Arguments.of("param with two values", call("<value>a</value><value>b</value>"), invalid),
        Arguments.of("unknown type", call("<value><float>1.0</float></value>"), invalid),
        Arguments.of("Apache serializable extension", call(
            "<value><ex:serializable xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\">rO0=</ex:serializable></value>"), invalid),
        Arguments.of("type in another namespace", call("<value><x:int xmlns:x=\"urn:x\">1</x:int></value>"), invalid),
        Arguments.of("value in value", call("<value><value>1</value></value>"), invalid),
        Arguments.of("two typed values", call("<value><int>1</int><int>2</int></value>"), invalid),
        Arguments.of("text and a typed value", call("<value>x<int>1</int></value>"), invalid),
        Arguments.of("int overflow", call("<value><int>2147483648</int></value>"), invalid),
        Arguments.of("int not a number", call("<value><int>ten</int></value>"), invalid),
        Arguments.of("int empty", call("<value><int/></value>"), invalid),
        Arguments.of("i8 overflow", call("<value><i8>9223372036854775808</i8></value>"), invalid),
        Arguments.of("boolean 2", call("<value><boolean>2</boolean></value>"), invalid),
        Arguments.of("boolean true", call("<value><boolean>true</boolean></value>"), invalid),
        Arguments.of("double NaN", call("<value><double>NaN</double></value>"), invalid),
        Arguments.of("double Infinity", call("<value><double>Infinity</double></value>"), invalid),
        Arguments.of("double overflow", call("<value><double>1e999</double></value>"), invalid),
        Arguments.of("double hex", call("<value><double>0x1p3</double></value>"), invalid),
        Arguments.of("bad dateTime", call("<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>"), invalid),
        Arguments.of("bad base64", call("<value><base64>@@@</base64></value>"), invalid),
        Arguments.of("nil with content", call("<value><nil>x</nil></value>"), invalid),
        Arguments.of("element in string", call("<value><string><b>x</b></string></value>"), invalid),
        Arguments.of("struct member without name", call("<value><struct><member><value>1</value></member></struct></value>"), invalid),
        Arguments.of("struct member without value", call("<value><struct><member><name>a</name></member></struct></value>"), invalid),
        Arguments.of("struct member twice", call(
            "<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>"), invalid),
        Arguments.of("text in struct", call("<value><struct>x</struct></value>"), invalid),
        Arguments.of("array without data", call("<value><array><value>1</value></array></value>"), invalid),
        Arguments.of("array data with a non-value", call("<value><array><data><int>1</int></data></array></value>"), invalid));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedInputIsAFault(String name, String xml, int code) {
    XmlRpcFault f = fault(xml);
    assertThat(f.code()).as(f.getMessage()).isEqualTo(code);
    assertThat(f.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(XmlRpcFault.MAX_MESSAGE_CHARS + 3);
  }

  @Test
  void invalidUtf8IsAFault() {
    byte[] bad = call("<value>\u00e9</value>").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(fault(bad, XmlRpcLimits.DEFAULTS).code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
  }

  // ------------------------------------------------------------------ DTDs and entities

  @Test
  void externalFileEntityIsNeverRead() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
        + call("<value><string>&xxe;</string></value>");
    XmlRpcFault f = fault(xxe);
    assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    assertThat(f.getMessage()).contains("DTD").doesNotContain(SECRET);
    assertThat(new String(f.toResponseBody(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
  }

  /** A listening socket that records whether anybody connected. */
  private static void assertNoConnection(ServerSocket listener) throws IOException {
    listener.setSoTimeout(200);
    try (Socket s = listener.accept()) {
      throw new AssertionError("the parser connected to " + listener.getLocalSocketAddress() + " from " + s.getRemoteSocketAddress());
    } catch (SocketTimeoutException expected) {
      // nobody connected: the parse (which ran before) opened no connection
    }
  }

  static Stream<Arguments> networkEntities() {
    return Stream.of(
        Arguments.of("external general entity", "<!DOCTYPE methodCall [<!ENTITY xxe SYSTEM \"http://127.0.0.1:%d/x\">]>",
            "<value>&xxe;</value>"),
        Arguments.of("external parameter entity", "<!DOCTYPE methodCall [<!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/p\"> %%p;]>",
            "<value>x</value>"),
        Arguments.of("external DTD", "<!DOCTYPE methodCall SYSTEM \"http://127.0.0.1:%d/x.dtd\">", "<value>x</value>"),
        Arguments.of("public DTD", "<!DOCTYPE methodCall PUBLIC \"-//x//EN\" \"http://127.0.0.1:%d/x.dtd\">", "<value>x</value>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networkEntities")
  void externalUrlIsNeverFetched(String name, String doctype, String value) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String xml = "<?xml version=\"1.0\"?>" + String.format(doctype, listener.getLocalPort()) + call(value);
      // Parsed on another thread with a deadline: a parser that did connect would wait for an answer
      // from the listener, which never comes.
      CompletableFuture<XmlRpcFault> parsed = CompletableFuture.supplyAsync(() -> fault(xml));
      XmlRpcFault f = parsed.get(10, TimeUnit.SECONDS);
      assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
      assertThat(f.getMessage()).contains("DTD");
      assertNoConnection(listener);
    }
  }

  @Test
  void externalUrlOnAClosedPortIsAFaultToo() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String xml = "<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY xxe SYSTEM \"http://127.0.0.1:" + closed + "/\">]>"
        + call("<value>&xxe;</value>");
    assertThat(fault(xml).code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
  }

  @Test
  void billionLaughsIsRefusedAtOnce() {
    StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY lol").append(i).append(" \"");
      dtd.append(("&lol" + (i - 1) + ";").repeat(10));
      dtd.append("\">");
    }
    dtd.append("]>");
    long start = System.nanoTime();
    XmlRpcFault f = fault(dtd + call("<value><string>&lol9;</string></value>"));
    assertThat(f.code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
  }

  @Test
  void internalSubsetWithoutEntitiesIsRefusedToo() {
    assertThat(fault("<!DOCTYPE methodCall []>" + call("<value>x</value>")).getMessage()).contains("DTD");
  }

  // ------------------------------------------------------------------ sizes and depth

  private static String nestedArrays(int depth) {
    return "<value>" + "<array><data><value>".repeat(depth) + "<int>1</int>"
        + "</value></data></array>".repeat(depth) + "</value>";
  }

  @Test
  void nestingUpToTheLimitIsAccepted() throws XmlRpcFault {
    XmlRpcLimits limits = XmlRpcLimits.DEFAULTS.withMaxDepth(5);
    byte[] five = call(nestedArrays(5)).getBytes(StandardCharsets.UTF_8);
    assertThat(XmlRpcCodec.parseCall(five, limits).params()).hasSize(1);
    byte[] six = call(nestedArrays(6)).getBytes(StandardCharsets.UTF_8);
    XmlRpcFault f = fault(six, limits);
    assertThat(f.code()).isEqualTo(XmlRpcFault.INVALID_XML_RPC);
    assertThat(f.getMessage()).contains("deeper than 5");
  }

  @Test
  void structsCountAsLevelsToo() {
    String deep = "<value>" + "<struct><member><name>a</name><value>".repeat(3) + "x"
        + "</value></member></struct>".repeat(3) + "</value>";
    assertThat(fault(call(deep).getBytes(StandardCharsets.UTF_8), XmlRpcLimits.DEFAULTS.withMaxDepth(2)).getMessage())
        .contains("deeper than 2");
  }

  @Test
  void defaultDepthStopsAHugeNestingWithoutStackOverflow() {
    assertThat(fault(call(nestedArrays(100_000))).getMessage())
        .contains("deeper than " + XmlRpcLimits.DEFAULT_MAX_DEPTH);
  }

  @Test
  void bodyLargerThanTheLimitIsRefusedBeforeParsing() {
    byte[] body = call("<value>" + "x".repeat(2000) + "</value>").getBytes(StandardCharsets.UTF_8);
    XmlRpcFault f = fault(body, XmlRpcLimits.DEFAULTS.withMaxBodyBytes(1000));
    assertThat(f.getMessage()).contains("exceeds the limit of 1000");
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> new XmlRpcLimits(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new XmlRpcLimits(10, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new XmlRpcLimits(10, XmlRpcLimits.MAX_DEPTH + 1)).isInstanceOf(IllegalArgumentException.class);
  }
}

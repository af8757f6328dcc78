package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the XML-RPC reader ({@link XmlRpcCodec#parseCall} and {@link XmlRpcCodec#parseResponse},
 * which run {@code XmlRpcReader}) with arbitrary bodies (Jazzer; seeds and findings in {@code
 * XmlRpcReaderFuzzTestInputs}). Each body is read as a call and as a response, under the default
 * limits and under small ones, and must:
 *
 * <ul>
 *   <li>either be read or be refused with an {@link XmlRpcFault} of the two documented codes
 *       ({@code -32700} not well-formed, {@code -32600} not XML-RPC) and a bounded message; no other
 *       exception;
 *   <li>when read, respect the limits (size, nesting) and have a valid method name;
 *   <li>when read, survive being written again and read back: the same call, the same result value,
 *       the same fault.
 * </ul>
 */
@Tag("fuzz")
class XmlRpcReaderFuzzTest {

  private static final XmlRpcLimits SMALL = new XmlRpcLimits(2048, 2);
  private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z0-9_.:/]{1,256}");

  @FuzzTest(maxDuration = "10m")
  void readsArbitraryBody(byte[] body) {
    for (XmlRpcLimits limits : List.of(XmlRpcLimits.DEFAULTS, SMALL)) {
      readsAsCall(body, limits);
      readsAsResponse(body, limits);
    }
  }

  private static void readsAsCall(byte[] body, XmlRpcLimits limits) {
    XmlRpcCall call;
    try {
      call = XmlRpcCodec.parseCall(body, limits);
    } catch (XmlRpcFault fault) {
      assertDocumented(fault);
      return;
    }
    assertThat(body.length).isLessThanOrEqualTo(limits.maxBodyBytes());
    assertThat(call.methodName()).matches(METHOD_NAME);
    for (JsonElement param : call.params()) {
      assertThat(depth(param)).as("nesting").isLessThanOrEqualTo(limits.maxDepth());
    }
    byte[] again = XmlRpcCodec.encodeCall(call.methodName(), call.params());
    try {
      assertThat(XmlRpcCodec.parseCall(again, XmlRpcLimits.DEFAULTS)).isEqualTo(call);
    } catch (XmlRpcFault fault) {
      throw new AssertionError("a call read and written again is refused: " + fault.getMessage(), fault);
    }
  }

  private static void readsAsResponse(byte[] body, XmlRpcLimits limits) {
    XmlRpcResponse response;
    try {
      response = XmlRpcCodec.parseResponse(body, limits);
    } catch (XmlRpcFault fault) {
      assertDocumented(fault);
      return;
    }
    assertThat(body.length).isLessThanOrEqualTo(limits.maxBodyBytes());
    byte[] again;
    if (response.isSuccess()) {
      assertThat(depth(response.value())).as("nesting").isLessThanOrEqualTo(limits.maxDepth());
      again = XmlRpcCodec.encodeResponse(response.value());
    } else {
      again = response.fault().toResponseBody();
    }
    XmlRpcResponse back;
    try {
      back = XmlRpcCodec.parseResponse(again, XmlRpcLimits.DEFAULTS);
    } catch (XmlRpcFault fault) {
      throw new AssertionError("a response read and written again is refused: " + fault.getMessage(), fault);
    }
    if (response.isSuccess()) {
      assertThat(back.value()).isEqualTo(response.value());
    } else {
      assertThat(back.fault().code()).isEqualTo(response.fault().code());
      assertThat(back.fault().getMessage()).isEqualTo(response.fault().getMessage());
    }
  }

  private static void assertDocumented(XmlRpcFault fault) {
    assertThat(fault.code()).isIn(XmlRpcFault.NOT_WELL_FORMED, XmlRpcFault.INVALID_XML_RPC);
    assertThat(fault.getMessage()).hasSizeLessThanOrEqualTo(XmlRpcFault.MAX_MESSAGE_CHARS + 3);
    assertThat(fault.getCause()).isNull();
  }

  /** Containers around the deepest scalar: 0 for a scalar, 1 for a struct of scalars. */
  private static int depth(JsonElement e) {
    int deepest = 0;
    if (e.isJsonArray()) {
      for (JsonElement child : e.getAsJsonArray()) {
        deepest = Math.max(deepest, depth(child));
      }
      return deepest + 1;
    }
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> child : e.getAsJsonObject().entrySet()) {
        deepest = Math.max(deepest, depth(child.getValue()));
      }
      return deepest + 1;
    }
    return 0;
  }
}

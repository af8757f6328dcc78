package org.ovirt.vdsm.messaging.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * Bounds on the encoded size of kept parameters: the UTF-8 bytes of the compact JSON counted exactly
 * (1, 2, 3 bytes per character, 4 per surrogate pair), a value exactly at its bound accepted, one
 * byte over refused with -32602 naming the parameter and the bound.
 */
class ParamSizeBoundsTest {

  private static JsonObject params(String name, String value) {
    JsonObject o = new JsonObject();
    o.addProperty(name, value);
    return o;
  }

  @Test
  void aValueExactlyAtItsBoundPassesAndOneByteMoreIsRefusedNamingIt() throws ApiException {
    ParamSizeBounds bounds = new ParamSizeBounds(Map.of("VM.create.vmParams", 5));
    bounds.check("VM.create", params("vmParams", "abc")); // "abc" with quotes: 5 bytes
    assertThatThrownBy(() -> bounds.check("VM.create", params("vmParams", "abcd")))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.error().code()).isEqualTo(JsonRpcError.INVALID_PARAMS);
          assertThat(e.error().message()).endsWith("vmParams is larger than 5 bytes of JSON, the bound of VM.create.vmParams");
        });
  }

  @Test
  void onlyTheBoundedParameterOfThatMethodIsChecked() throws ApiException {
    ParamSizeBounds bounds = new ParamSizeBounds(Map.of("VM.create.vmParams", 5));
    bounds.check("VM.create", params("other", "much longer than five"));
    bounds.check("VM.update", params("vmParams", "much longer than five"));
    bounds.check("VM.create", null);
    new ParamSizeBounds(Map.of()).check("VM.create", params("vmParams", "much longer than five"));
  }

  @Test
  void theHostBoundsVmParamsToOneMebibyte() throws ApiException {
    assertThat(ParamSizeBounds.DEFAULT_MAX_VM_PARAMS_BYTES).isEqualTo(1 << 20);
    String atBound = "x".repeat((1 << 20) - 2);
    ParamSizeBounds.VDSM.check("VM.create", params("vmParams", atBound));
    assertThatThrownBy(() -> ParamSizeBounds.VDSM.check("VM.create", params("vmParams", atBound + "x")))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void utf8BytesAreCountedPerCharacter() {
    // each string with its two quotes
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u007f"), 3)).isTrue();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u007f"), 2)).isFalse();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u0080"), 4)).isTrue();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u0080"), 3)).isFalse();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u07ff"), 4)).isTrue();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u07ff"), 3)).isFalse();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u0800"), 5)).isTrue();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\u0800"), 4)).isFalse();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\ud83d\ude00"), 6)).as("a surrogate pair: 4 bytes").isTrue();
    assertThat(ParamSizeBounds.fits(new JsonPrimitive("\ud83d\ude00"), 5)).isFalse();
  }

  @Test
  void compactJsonWithNullsIsWhatIsCounted() {
    assertThat(ParamSizeBounds.fits(JsonParser.parseString("{ \"a\" : null , \"b\" : [ 1 ] }"), 18)).isTrue();
    assertThat(ParamSizeBounds.fits(JsonParser.parseString("{ \"a\" : null , \"b\" : [ 1 ] }"), 17)).isFalse();
  }
}

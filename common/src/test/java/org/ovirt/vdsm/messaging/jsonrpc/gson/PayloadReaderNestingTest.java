package org.ovirt.vdsm.messaging.jsonrpc.gson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;

/** {@link PayloadReader#read(java.io.Reader, int)}: the nesting limit alone, from 1 up. */
class PayloadReaderNestingTest {

  @Test
  void aLimitOfOneTakesAFlatMessageAndRefusesAnythingNested() {
    JsonRpcPayload flat = PayloadReader.read(new StringReader("{\"jsonrpc\":\"2.0\",\"method\":\"m\"}"), 1);
    assertThat(flat.items().get(0)).isInstanceOf(JsonRpcPayload.Valid.class);
    JsonRpcPayload nested = PayloadReader.read(new StringReader("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[]}"), 1);
    assertThat(((JsonRpcPayload.Invalid) nested.items().get(0)).error().message())
        .isEqualTo("Parse error: arrays and objects nested deeper than 1 levels at line 1 column 41");
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> PayloadReader.read(new StringReader("{}"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nestingLimit must be at least 1: 0");
  }
}

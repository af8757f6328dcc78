package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Numbers beyond the range of a double are found at any depth, with their path. */
class FiniteNumbersTest {

  @Test
  void findsTheFirstNumberBeyondADoubleWithItsPath() {
    var params = JsonParser.parseString("{\"vmParams\":{\"custom\":{\"list\":[1,2,1e400]}},\"vmID\":\"x\"}");
    assertThat(FiniteNumbers.firstOutOfRange(params, "params")).hasValue("params.vmParams.custom.list[2]");
  }

  @Test
  void finiteNumbersAndOtherValuesPass() {
    var params = JsonParser.parseString("{\"a\":1.7976931348623157e308,\"b\":-4.9e-324,\"c\":\"1e400\",\"d\":[null,true]}");
    assertThat(FiniteNumbers.firstOutOfRange(params, "params")).isEmpty();
    assertThat(FiniteNumbers.firstOutOfRange(null, "params")).isEmpty();
  }

  @Test
  void negativeOverflowIsFoundToo() {
    assertThat(FiniteNumbers.firstOutOfRange(JsonParser.parseString("[-1e309]"), "params")).hasValue("params[0]");
  }
}

package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The ranges of the XML-RPC limits: each end accepted, one beyond it refused with the range named. */
class XmlRpcLimitsTest {

  @Test
  void acceptsEachEndOfTheRanges() {
    assertThat(new XmlRpcLimits(1, 0)).isEqualTo(new XmlRpcLimits(1, 0));
    XmlRpcLimits widest = new XmlRpcLimits(XmlRpcLimits.MAX_BODY_BYTES, XmlRpcLimits.MAX_DEPTH);
    assertThat(widest.maxBodyBytes()).isEqualTo(1 << 30);
    assertThat(widest.maxDepth()).isEqualTo(1000);
  }

  @Test
  void refusesOneBeyondEachEnd() {
    assertThatThrownBy(() -> new XmlRpcLimits(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBodyBytes must be between 1 and 1073741824: 0");
    assertThatThrownBy(() -> new XmlRpcLimits(XmlRpcLimits.MAX_BODY_BYTES + 1, 1))
        .hasMessage("maxBodyBytes must be between 1 and 1073741824: 1073741825");
    assertThatThrownBy(() -> new XmlRpcLimits(1, -1)).hasMessage("maxDepth must be between 0 and 1000: -1");
    assertThatThrownBy(() -> new XmlRpcLimits(1, 1001)).hasMessage("maxDepth must be between 0 and 1000: 1001");
  }

  @Test
  void withersReplaceOneLimitAndKeepTheOther() {
    XmlRpcLimits limits = XmlRpcLimits.DEFAULTS.withMaxBodyBytes(10).withMaxDepth(3);
    assertThat(limits).isEqualTo(new XmlRpcLimits(10, 3));
    assertThat(XmlRpcLimits.DEFAULTS.withMaxDepth(3).maxBodyBytes()).isEqualTo(XmlRpcLimits.DEFAULT_MAX_BODY_BYTES);
    assertThat(XmlRpcLimits.DEFAULTS.withMaxBodyBytes(10).maxDepth()).isEqualTo(XmlRpcLimits.DEFAULT_MAX_DEPTH);
  }

  @Test
  void defaultsAreEightMebibytesAndDepthSixtyFour() {
    assertThat(XmlRpcLimits.DEFAULTS).isEqualTo(new XmlRpcLimits(8 * 1024 * 1024, 64));
  }
}

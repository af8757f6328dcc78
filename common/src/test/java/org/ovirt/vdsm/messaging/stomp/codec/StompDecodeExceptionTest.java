package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

class StompDecodeExceptionTest {

  @Test
  void buildsErrorFrameWithReasonAndDetail() {
    StompDecodeException e = new StompDecodeException(StompDecodeException.UNDEFINED_ESCAPE, "bad \\t in 'foo'");
    assertThat(e).isInstanceOf(DecoderException.class).hasMessage("undefined escape: bad \\t in 'foo'");
    assertThat(e.reason()).isEqualTo("undefined escape");
    assertThat(e.detail()).isEqualTo("bad \\t in 'foo'");
    assertThat(e.toErrorFrame())
        .isEqualTo(
            StompFrame.builder(StompCommand.ERROR)
                .header("message", "undefined escape")
                .header("content-type", "text/plain")
                .body("bad \\t in 'foo'")
                .build());
  }

  @Test
  void errorFrameCanBeSent() {
    StompDecodeException e = new StompDecodeException("line too long", "a header line: x\ny");
    byte[] wire = StompFrameEncoder.encode(e.toErrorFrame());
    assertThat(DecoderRun.whole(wire).frames()).singleElement().satisfies(f -> {
      assertThat(f.header("message")).isEqualTo("line too long");
      assertThat(f.bodyAsString()).isEqualTo("a header line: x\ny");
    });
  }
}

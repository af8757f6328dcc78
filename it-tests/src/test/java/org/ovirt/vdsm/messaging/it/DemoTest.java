package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.it.demo.Demo;

/** The README's second quick-start command runs this demo: it must show the whole round trip. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoTest {
  @Test
  void demoShowsTheRoundTripAndSucceeds() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out)
        .contains("vdsm-server listening on 127.0.0.1:")
        .contains("Host.ping2           true")
        .contains("\"version_name\": \"vdsm-messaging\"")
        .contains("error -32601")
        .contains("receipt received");
  }
}

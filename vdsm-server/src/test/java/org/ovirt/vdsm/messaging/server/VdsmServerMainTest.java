package org.ovirt.vdsm.messaging.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import picocli.CommandLine;

/** The command line of {@code vdsm-server}: {@code --tls required|optional|off}, {@code --xmlrpc on|off}. */
class VdsmServerMainTest {

  private static VdsmServerMain parse(String... args) {
    VdsmServerMain main = new VdsmServerMain();
    new CommandLine(main).parseArgs(args);
    return main;
  }

  @Test
  void defaultsAreMutualTlsWithXmlRpcOn() {
    VdsmServerMain main = parse();
    assertThat(main.tls).isEqualTo(TlsMode.REQUIRED);
    assertThat(main.xmlrpc).isEqualTo(VdsmServerMain.OnOff.ON);
  }

  @Test
  void parsesEveryTlsModeCaseInsensitively() {
    assertThat(parse("--tls", "required").tls).isEqualTo(TlsMode.REQUIRED);
    assertThat(parse("--tls", "Optional").tls).isEqualTo(TlsMode.OPTIONAL);
    assertThat(parse("--tls=OFF").tls).isEqualTo(TlsMode.OFF);
  }

  @Test
  void parsesXmlRpcSwitch() {
    assertThat(parse("--xmlrpc", "off").xmlrpc).isEqualTo(VdsmServerMain.OnOff.OFF);
    assertThat(parse("--xmlrpc=on").xmlrpc).isEqualTo(VdsmServerMain.OnOff.ON);
  }

  @Test
  void apiStrictIsOffUnlessAsked() {
    assertThat(parse().apiStrict).isFalse();
    assertThat(parse("--api-strict").apiStrict).isTrue();
    assertThat(VdsmServerConfig.plain("127.0.0.1", 0).apiStrict()).isFalse();
    assertThat(VdsmServerConfig.plain("127.0.0.1", 0).withApiStrict(true).withWorkerThreads(2).apiStrict()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--tls=maybe", "--xmlrpc=yes", "--xmlrpc"})
  void refusesOtherValues(String arg) {
    assertThatThrownBy(() -> parse(arg)).isInstanceOf(CommandLine.ParameterException.class);
  }
}

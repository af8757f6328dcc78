package org.ovirt.vdsm.messaging.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The configuration file shipped in the archive ({@code src/dist/conf/vdsm-server.conf}) documents
 * every option with its real default, and, uncommented, is a valid file that changes nothing.
 */
class ShippedConfigurationTest {
  private static final Path SHIPPED = Path.of("src", "dist", "conf", "vdsm-server.conf");

  @Test
  void everyOptionIsThereCommentedOutWithItsDefault() throws Exception {
    List<String> shipped = Files.readAllLines(SHIPPED);
    List<String> defaults = Invocation.of("--config", "/dev/null", "--print-config").out().lines()
        .filter(l -> !l.startsWith("#"))
        .map(l -> l.substring(0, l.indexOf(" #")).strip())
        .toList();
    assertThat(defaults).hasSizeGreaterThan(8);
    for (String setting : defaults) {
      assertThat(shipped).as(setting).contains("#" + setting);
    }
  }

  @Test
  void uncommentedItIsValidAndEqualToTheDefaults(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path uncommented = dir.resolve("vdsm-server.conf");
    Files.write(uncommented, Files.readAllLines(SHIPPED).stream()
        .map(l -> l.matches("#[a-z-]+ =.*") ? l.substring(1) : l).toList());
    Invocation fromFile = Invocation.of("--config", uncommented.toString(), "--print-config");
    Invocation defaults = Invocation.of("--config", "/dev/null", "--print-config");
    assertThat(fromFile.status()).as(fromFile.err()).isZero();
    assertThat(values(fromFile.out())).isEqualTo(values(defaults.out()));
  }

  private static List<String> values(String printed) {
    return printed.lines().filter(l -> !l.startsWith("#")).map(l -> l.substring(0, l.indexOf(" #")).strip()).toList();
  }
}

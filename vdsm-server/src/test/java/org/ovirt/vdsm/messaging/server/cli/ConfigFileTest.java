package org.ovirt.vdsm.messaging.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;

/**
 * {@code --config FILE}: {@code key = value} lines under the command line; unknown or repeated keys
 * and bad values are errors naming the file and line; {@code --print-config} tells where each value
 * came from.
 */
class ConfigFileTest {
  private static final Set<String> KEYS = Set.of("port", "bind", "queue");

  @TempDir Path dir;

  private Path write(String text) throws IOException {
    Path file = dir.resolve("vdsm-server.conf");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void readsKeysValuesAndComments() throws Exception {
    ConfigFile file = ConfigFile.read(write("""
        # a comment
          port = 4000   # trailing comment
        bind=127.0.0.1

        queue = a.b,c.d
        """), true, KEYS);
    assertThat(file.present()).isTrue();
    assertThat(file.value("port")).contains(new ConfigFile.Value("4000", 2));
    assertThat(file.value("bind")).contains(new ConfigFile.Value("127.0.0.1", 3));
    assertThat(file.value("queue").orElseThrow().text()).isEqualTo("a.b,c.d");
    assertThat(file.where("bind")).isEqualTo(file.file() + ":3");
  }

  @Test
  void missingDefaultFileIsEmptyButMissingExplicitFileIsAnError() throws Exception {
    Path missing = dir.resolve("nope.conf");
    ConfigFile empty = ConfigFile.read(missing, false, KEYS);
    assertThat(empty.present()).isFalse();
    assertThat(empty.values()).isEmpty();
    assertThatThrownBy(() -> ConfigFile.read(missing, true, KEYS))
        .isInstanceOfSatisfying(StartupFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCodes.CONFIG))
        .hasMessage("configuration file " + missing + " does not exist; create it (see conf/vdsm-server.conf) or fix --config");
  }

  @Test
  void unknownKeyIsNamedWithItsLineAndASuggestion() throws Exception {
    Path file = write("port = 1\nprot = 2\n");
    assertThatThrownBy(() -> ConfigFile.read(file, true, KEYS))
        .isInstanceOf(StartupFailure.class)
        .hasMessage(file + ":2: unknown key 'prot' (did you mean 'port'?); known keys: bind, port, queue");
  }

  @Test
  void repeatedKeyAndMalformedLineAreErrors() throws Exception {
    Path repeated = write("port = 1\n\nport = 2\n");
    assertThatThrownBy(() -> ConfigFile.read(repeated, true, KEYS))
        .hasMessage(repeated + ":3: 'port' is already set on line 1; keep one of them");
    Path malformed = write("port 1\n");
    assertThatThrownBy(() -> ConfigFile.read(malformed, true, KEYS))
        .hasMessage(malformed + ":1: expected 'key = value', got 'port 1'");
  }

  @Test
  void fileWithInvalidUtf8IsAnError() throws Exception {
    Path file = dir.resolve("bad.conf");
    Files.write(file, new byte[] {'p', '=', (byte) 0xC3, (byte) 0x28, '\n'});
    assertThatThrownBy(() -> ConfigFile.read(file, true, KEYS)).hasMessage(file + ": not UTF-8 text");
  }

  @Test
  void commandLineWinsOverFileAndPrintConfigTellsTheSources() throws Exception {
    Path file = write("port = 4000\nworkers = 3\nqueue = jms.queue.a,jms.queue.b\napi-strict = true\n");
    Invocation run = Invocation.of("--config", file.toString(), "--port", "5000", "--print-config");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out().lines()).contains(
        "# configuration file: " + file,
        String.format("%-40s # command line", "port = 5000"),
        String.format("%-40s # %s:2", "workers = 3", file),
        String.format("%-40s # %s:3", "queue = jms.queue.a,jms.queue.b", file),
        String.format("%-40s # %s:4", "api-strict = true", file),
        String.format("%-40s # default", "tls = required"),
        String.format("%-40s # default", "request-timeout = 120"));
  }

  @Test
  void printedConfigurationIsAValidConfigurationFile() throws Exception {
    Path file = write("workers = 3\n");
    String printed = Invocation.of("--config", file.toString(), "--bind", "127.0.0.1", "--print-config").out();
    Path again = dir.resolve("again.conf");
    Files.writeString(again, printed);
    Invocation reread = Invocation.of("--config", again.toString(), "--print-config");
    assertThat(reread.status()).as(reread.err()).isZero();
    assertThat(reread.out()).contains("bind = 127.0.0.1").contains("workers = 3");
  }

  @Test
  void badValueInTheFileIsAConfigurationErrorNamingFileAndLine() throws Exception {
    Path file = write("bind = 127.0.0.1\nport = 70000\n");
    Invocation run = Invocation.of("--config", file.toString(), "--tls", "off");
    assertThat(run.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.errLines()).containsExactly(
        "vdsm-server: " + file + ":2: port = 70000: out of range: use 1-65535, or 0 for a free port");

    Path notANumber = write("workers = many\n");
    Invocation run2 = Invocation.of("--config", notANumber.toString());
    assertThat(run2.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run2.errLines()).singleElement().asString()
        .startsWith("vdsm-server: " + notANumber + ":1: workers = many: Invalid value for option '--workers'");
  }

  @Test
  void unknownKeyStopsTheServerWithStatus78() throws Exception {
    Path file = write("pki_dir = /tmp\n");
    Invocation run = Invocation.of("--config", file.toString());
    assertThat(run.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("vdsm-server: " + file + ":1: unknown key 'pki_dir' (did you mean 'pki-dir'?)");
  }

  @Test
  void missingExplicitFileStopsTheServerWithStatus78() {
    Path missing = dir.resolve("missing.conf");
    Invocation run = Invocation.of("--config=" + missing);
    assertThat(run.status()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.errLines()).containsExactly(
        "vdsm-server: configuration file " + missing + " does not exist; create it (see conf/vdsm-server.conf) or fix --config");
  }
}

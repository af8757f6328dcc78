package org.ovirt.vdsm.messaging.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovirt.vdsm.messaging.ExitCodes;

/**
 * {@code -f FILE}: a missing or unreadable file exits 66, malformed JSON exits 65, each with one line
 * naming the file and, for JSON, the line and column; JSON is read strictly (RFC 8259). Nothing
 * connects: the port given is closed.
 */
class ParamsFileTest {
  @TempDir Path dir;

  private static ToolRun run(String stdin, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--port";
    all[1] = "1";
    all[2] = "--tls";
    all[3] = "off";
    System.arraycopy(args, 0, all, 4, args.length);
    return ToolRun.withInput(stdin, all);
  }

  private static void assertOneLine(ToolRun r, int exit, String line) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(line + System.lineSeparator());
  }

  @Test
  void aMissingFileExitsSixtySixNamingIt() {
    Path missing = dir.resolve("create.json");
    assertOneLine(run("", "-f", missing.toString(), "VM", "create"), ExitCodes.NO_INPUT,
        "vdsm-client: cannot read " + missing + ": no such file");
  }

  @Test
  void aDirectoryExitsSixtySix() {
    assertOneLine(run("", "-f", dir.toString(), "VM", "create"), ExitCodes.NO_INPUT,
        "vdsm-client: cannot read " + dir + ": it is a directory");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unterminated object|{\\n  \"vmID\": \"x\",\\n  \"vmParams\": {\"memSize\": 1024}\\n|4:1: not valid JSON",
      "unquoted name|{\\n  vmID: \"x\"\\n}|2:4: not valid JSON: a name or string without double quotes",
      "single quotes|{'vmID': 'x'}|1:3: not valid JSON: a name or string without double quotes",
      "trailing comma|{\"vmID\": \"x\",}|1:15: not valid JSON: expected name",
      "two values|{} {}|1:5: not valid JSON: more data after the JSON value",
      "bad literal|{\"a\": tru}|1:7: not valid JSON",
  })
  void malformedJsonExitsSixtyFiveNamingFileLineAndColumn(String what, String content, String position) throws IOException {
    Path file = dir.resolve("params.json");
    Files.writeString(file, content.replace("\\n", "\n"));
    ToolRun r = run("", "-f", file.toString(), "VM", "create");
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.DATA);
    assertThat(r.err().lines()).as(r.toString()).hasSize(1);
    assertThat(r.errLine()).startsWith("vdsm-client: " + file + ":" + position);
  }

  @Test
  void malformedStandardInputIsNamedAsSuch() {
    ToolRun r = run("[\"a\",", "-f", "-", "VM", "getStats");
    assertThat(r.exit()).isEqualTo(ExitCodes.DATA);
    assertThat(r.errLine()).startsWith("vdsm-client: standard input:1:6: not valid JSON");
  }

  @Test
  void anEmptyFileOrAScalarExitsSixtyFive() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.json"), "  \n");
    assertOneLine(run("", "-f", empty.toString(), "Host", "ping2"), ExitCodes.DATA,
        "vdsm-client: " + empty + " is empty: expected a JSON object or array");
    Path scalar = Files.writeString(dir.resolve("scalar.json"), "\"x\"");
    assertOneLine(run("", "-f", scalar.toString(), "Host", "ping2"), ExitCodes.DATA,
        "vdsm-client: " + scalar + ": expected a JSON object (params by name) or array (by position)");
  }

  @Test
  void aParamNameInTheFileIsCheckedLikeOnTheCommandLine() throws IOException {
    Path file = Files.writeString(dir.resolve("destroy.json"), "{\"vmId\": \"6ec3c5c2-8d2a-4f17-9b6e-0a3d4d0f4c1a\"}");
    ToolRun r = run("", "-f", file.toString(), "VM", "destroy");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLine()).isEqualTo("vdsm-client: VM.destroy has no parameter 'vmId'; did you mean vmID?"
        + " (it takes vmID, gracefulAttempts)");
  }

  @Test
  void tooManyPositionalParamsAreRefused() {
    ToolRun r = run("[\"a\", 1, 2]", "-f", "-", "VM", "destroy");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLine()).isEqualTo("vdsm-client: VM.destroy takes at most 2 positional params, got 3");
  }
}

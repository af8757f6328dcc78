package org.ovirt.vdsm.messaging.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.schema.ApiSchema;
import org.ovirt.vdsm.messaging.schema.MethodSchema;

/**
 * What {@code vdsm-client} tells from the bundled API schema without connecting anywhere: the
 * namespaces, a namespace's methods, a method's parameters, and "did you mean" for typos. The port
 * given is closed, so any attempt to connect would fail the test's exit code.
 */
class SchemaHelpTest {
  private static final ApiSchema SCHEMA = ApiSchema.vdsm();

  private static ToolRun run(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--port";
    all[1] = "1";
    all[2] = "--tls";
    all[3] = "off";
    System.arraycopy(args, 0, all, 4, args.length);
    return ToolRun.of(all);
  }

  @Test
  void helpListsTheOptionsAndEveryNamespaceWithItsMethods() {
    ToolRun r = run("--help");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("--host", "--port", "--pki-dir", "--events", "--unchecked", "Exit codes",
        "Namespaces (vdsm-client NAMESPACE lists its methods):");
    String section = r.out().substring(r.out().indexOf("Namespaces (vdsm-client NAMESPACE lists its methods):"));
    for (MethodSchema m : SCHEMA.methods()) {
      assertThat(section).containsPattern("(?m)^  " + m.namespace() + " ");
      String after = section.substring(section.indexOf("\n  " + m.namespace() + " "));
      assertThat(after).containsPattern("\\b" + m.verb() + "\\b");
    }
    assertThat(section.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(79));
  }

  @Test
  void aNamespaceAloneListsItsMethodsWithTheirDescriptions() {
    for (String[] args : List.of(new String[] {"VM"}, new String[] {"VM", "--help"}, new String[] {"--help", "VM"})) {
      ToolRun r = run(args);
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out()).startsWith("Usage: vdsm-client [OPTIONS] VM METHOD [NAME=VALUE...]");
      for (MethodSchema m : SCHEMA.methods()) {
        String line = "  " + m.verb() + " ";
        if (m.namespace().equals("VM")) {
          assertThat(r.out()).containsPattern("(?m)^  " + m.verb() + " +" + java.util.regex.Pattern.quote(
              m.description().replaceAll("\\s+", " ").split("(?<=\\.) ")[0]) + "$");
        } else if (SCHEMA.method("VM." + m.verb()).isEmpty()) {
          assertThat(r.out()).doesNotContain(line);
        }
      }
    }
  }

  @Test
  void aMethodWithHelpDescribesEveryParameter() {
    ToolRun r = run("VM", "destroy", "--help");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith("Usage: vdsm-client [OPTIONS] VM destroy vmID=VALUE [gracefulAttempts=VALUE]\n")
        .contains("Stops a VM, forcibly if it does not stop by itself")
        .contains("\n  vmID: UUID (string), required\n      The VM to destroy.\n")
        .contains("\n  gracefulAttempts: int, optional, default 1\n      How many times to ask the hypervisor")
        .contains("Runs on the host's virt subsystem.")
        .contains("Returns: true");
    String json = r.out().substring(r.out().indexOf("{"));
    assertThat(JsonParser.parseString(json)).isEqualTo(JsonParser.parseString("{\"vmID\":\"UUID\",\"gracefulAttempts\":1}"));
  }

  @Test
  void aMethodWithoutParamsSaysSo() {
    ToolRun r = run("Host", "getCapabilities", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Tells what the host is and can do.", "Parameters: none.", "Returns: VdsmCapabilities");
  }

  @Test
  void anEnumParameterListsItsValues() {
    ToolRun r = run("Host", "setLogLevel", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("level: LoggingLevel \\(one of '[A-Z]+'(, '[A-Z]+')+\\), required");
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "Host|getCapabilites|vdsm-client: unknown method Host.getCapabilites; did you mean getCapabilities? ('vdsm-client Host' lists them; --unchecked sends it anyway)",
      "Hots|getCapabilities|vdsm-client: unknown namespace 'Hots'; did you mean Host? ('vdsm-client --help' lists them; --unchecked sends it anyway)",
      "host|ping2|vdsm-client: unknown namespace 'host'; did you mean Host? ('vdsm-client --help' lists them; --unchecked sends it anyway)",
      "VM|getstats|vdsm-client: unknown method VM.getstats; did you mean getStats? ('vdsm-client VM' lists them; --unchecked sends it anyway)",
      "Host|frobnicate|vdsm-client: unknown method Host.frobnicate ('vdsm-client Host' lists them; --unchecked sends it anyway)",
  })
  void aTypoGetsOneLineWithTheClosestNameAndExitsSixtyFour(String namespace, String method, String expected) {
    ToolRun r = run(namespace, method);
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLine()).isEqualTo(expected);
    assertThat(r.err().lines().skip(1)).containsExactly("Try 'vdsm-client --help' for more information.");
  }

  @Test
  void aTypoInAParameterNameGetsTheClosestOne() {
    ToolRun r = run("Host", "getVMList", "fulStatus=true");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLine()).isEqualTo("vdsm-client: Host.getVMList has no parameter 'fulStatus'; did you mean fullStatus?"
        + " (it takes fullStatus, vmList, onlyUUID)");
  }

  @Test
  void aMissingRequiredParameterIsNamed() {
    ToolRun r = run("VM", "destroy", "gracefulAttempts=2");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLine()).isEqualTo("vdsm-client: VM.destroy needs vmID=VALUE (UUID; 'vdsm-client VM destroy --help' describes it)");
  }

  @Test
  void helpForAMistypedMethodSuggestsToo() {
    ToolRun r = run("Host", "getCapabilites", "--help");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLine()).contains("did you mean getCapabilities?");
  }

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({"kitten,sitting,3", "getCapabilites,getCapabilities,1", "'',abc,3", "abc,abc,0", "ping2,ping,1", "Hots,Host,1", "ab,ba,1"})
  void editDistanceCountsTyposOneEach(String a, String b, int expected) {
    assertThat(Suggestions.distance(a, b)).isEqualTo(expected);
    assertThat(Suggestions.distance(b, a)).isEqualTo(expected);
  }

  @Test
  void farNamesAreNotSuggested() {
    assertThat(Suggestions.closest("destroyAll", List.of("ping2", "echo"))).isEmpty();
    assertThat(Suggestions.closest("GETSTATS", List.of("getStats", "getInfo"))).contains("getStats");
  }
}

package org.ovirt.vdsm.messaging.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.internal.FakeStompPeer;
import org.ovirt.vdsm.messaging.client.internal.xmlrpc.FakeXmlRpcServer;

/** The vdsm-client tool against fake hosts (plain TCP): output, params, events, exit codes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VdsmClientMainTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private FakeStompPeer peer;

  @BeforeEach
  void start() throws Exception {
    peer = new FakeStompPeer();
    // Answers with the request's method and params, so tests see what was sent.
    peer.answerer = body -> {
      JsonObject request = JsonParser.parseString(body).getAsJsonObject();
      JsonObject result = new JsonObject();
      result.add("method", request.get("method"));
      result.add("params", request.get("params"));
      JsonObject answer = new JsonObject();
      answer.addProperty("jsonrpc", "2.0");
      if (request.get("method").getAsString().equals("Host.fail")) {
        JsonObject error = new JsonObject();
        error.addProperty("code", 100);
        error.addProperty("message", "General Exception");
        answer.add("error", error);
      } else {
        answer.add("result", result);
      }
      answer.add("id", request.get("id"));
      return answer.toString();
    };
  }

  @AfterEach
  void stop() throws Exception {
    peer.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run runWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--tls", "off", "--host", "127.0.0.1", "--port", String.valueOf(peer.port()), "--timeout", "10"));
    all.addAll(List.of(args));
    int exit = VdsmClientMain.run(all.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run run(String... args) {
    return runWithInput("", args);
  }

  @Test
  void helpListsTheOptions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = VdsmClientMain.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--host", "--port", "--pki-dir", "--tls", "--insecure", "--xmlrpc", "--timeout", "--flow-id",
            "--file", "--events", "NAMESPACE", "METHOD", "NAME=VALUE", "Exit codes");
  }

  @Test
  void printsTheResultAsJson() {
    Run r = run("--unchecked", "Host", "echo", "message=hello", "count=3", "flag=true");
    assertThat(r.exit).as(r.err).isZero();
    JsonObject result = JsonParser.parseString(r.out).getAsJsonObject();
    assertThat(result.get("method").getAsString()).isEqualTo("Host.echo");
    assertThat(result.get("params")).isEqualTo(JsonParser.parseString("{\"message\":\"hello\",\"count\":3,\"flag\":true}"));
  }

  @Test
  void readsParamsFromAFileAndNameValuePairsWin() throws Exception {
    Path file = dir.resolve("params.json");
    Files.writeString(file, "{\"vmID\":\"v1\",\"vmParams\":{\"memSize\":1024},\"extra\":1}");
    Run r = run("--unchecked", "-f", file.toString(), "VM", "create", "extra=2");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(JsonParser.parseString(r.out).getAsJsonObject().get("params"))
        .isEqualTo(JsonParser.parseString("{\"vmID\":\"v1\",\"vmParams\":{\"memSize\":1024},\"extra\":2}"));
  }

  @Test
  void readsPositionalParamsFromStandardInput() {
    Run r = runWithInput("[\"v1\"]", "-f", "-", "VM", "getStats");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(JsonParser.parseString(r.out).getAsJsonObject().get("params")).isEqualTo(JsonParser.parseString("[\"v1\"]"));
  }

  @Test
  void sendsTheFlowId() throws Exception {
    Run r = run("--flow-id", "flow-42", "Host", "ping2");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(peer.nextConnection(WAIT).next("SEND", WAIT).header("ovirtCorrelationId")).isEqualTo("flow-42");
  }

  @Test
  void aHostErrorExitsOne() {
    Run r = run("--unchecked", "Host", "fail");
    assertThat(r.exit).isEqualTo(VdsmClientMain.EXIT_RPC_ERROR);
    assertThat(r.out).isEmpty();
    assertThat(r.err).contains("100").contains("General Exception");
  }

  @Test
  void badUsageExitsSixtyFourWithOneLineAndAHint() {
    for (String[] args : List.of(
        new String[] {"Host", "echo", "novalue"},
        new String[] {"--tls", "maybe", "Host", "ping2"},
        new String[] {"--port", "70000", "Host", "ping2"},
        new String[] {"--xmlrpc", "--events"},
        new String[] {"--events", "Host", "ping2"},
        new String[] {"--no-such-option", "Host", "ping2"},
        new String[] {"--port", "many", "Host", "ping2"})) {
      Run r = run(args);
      assertThat(r.exit).as(String.join(" ", args) + ": " + r.err).isEqualTo(ExitCodes.USAGE);
      assertThat(r.out).isEmpty();
      assertThat(r.err).startsWith("vdsm-client: ").doesNotContain("\tat ", "Exception");
      assertThat(r.err.lines().filter(l -> !l.startsWith("Try 'vdsm-client --help'") && !l.startsWith("Did you mean")
          && !l.startsWith("Possible solutions"))).as(r.err).hasSize(1);
    }
    assertThat(peer.connections()).as("no usage error connects").isEmpty();
    Run everything = run("--events", "*|*|*|*");
    assertThat(everything.exit).isEqualTo(ExitCodes.USAGE);
    assertThat(everything.err).startsWith("vdsm-client: ");
  }

  @Test
  void insecureWarnsLoudly() {
    Run r = run("--insecure", "Host", "ping2");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.err).contains("WARNING").contains("NOT checked");
  }

  @Test
  void streamsEventsAsJsonLinesUntilInterrupted() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread tool = new Thread(() -> exit.complete(VdsmClientMain.run(
        new String[] {"--tls", "off", "--host", "127.0.0.1", "--port", String.valueOf(peer.port()), "--events", "*|virt|VM_status|*"},
        printer, System.err)));
    tool.start();
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    Awaitility.await().atMost(WAIT).until(() -> c.subscriptions.containsKey(EngineClientFactory.EVENTS));
    c.write(FakeStompPeer.concat(
        c.message(EngineClientFactory.EVENTS, "{\"jsonrpc\":\"2.0\",\"method\":\"|virt|VM_migration_status|vm-1\",\"params\":{}}"),
        c.message(EngineClientFactory.EVENTS,
            "{\"jsonrpc\":\"2.0\",\"method\":\"|virt|VM_status|vm-1\",\"params\":{\"vm-1\":{\"status\":\"Up\"},\"notify_time\":7}}")));
    Awaitility.await().atMost(WAIT).until(() -> out.toString(StandardCharsets.UTF_8).contains("\n"));
    tool.interrupt();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(JsonParser.parseString(lines.get(0))).isEqualTo(JsonParser.parseString(
        "{\"event\":\"127.0.0.1|virt|VM_status|vm-1\",\"params\":{\"vm-1\":{\"status\":\"Up\"},\"notify_time\":7}}"));
    Awaitility.await().atMost(WAIT).until(() -> c.commands().contains("DISCONNECT"));
  }

  @Test
  void anEventStreamWhoseConnectionIsLostExitsTwo() throws Exception {
    CompletableFuture<Run> result = CompletableFuture.supplyAsync(() -> run("--events"));
    FakeStompPeer.Connection c = peer.nextConnection(WAIT);
    Awaitility.await().atMost(WAIT).until(() -> c.subscriptions.containsKey(EngineClientFactory.EVENTS));
    c.fin();
    Run r = result.get(10, TimeUnit.SECONDS);
    assertThat(r.exit).isEqualTo(VdsmClientMain.EXIT_CONNECTION);
    assertThat(r.err).contains("lost");
  }

  @Test
  void speaksXmlRpcWithTheFlag() throws Exception {
    try (FakeXmlRpcServer legacy = new FakeXmlRpcServer()) {
      legacy.answerer = q -> FakeXmlRpcServer.Answer.ok(FakeXmlRpcServer.legacyResult(0, "Done", "info",
          "<value><struct><member><name>cpuCores</name><value>8</value></member></struct></value>"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = VdsmClientMain.run(
          new String[] {"--xmlrpc", "--tls", "off", "--host", "127.0.0.1", "--port", String.valueOf(legacy.port()),
              "--flow-id", "f1", "Host", "getCapabilities"},
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(JsonParser.parseString(out.toString(StandardCharsets.UTF_8))).isEqualTo(JsonParser.parseString("{\"cpuCores\":\"8\"}"));
      FakeXmlRpcServer.Request q = legacy.requests.poll(10, TimeUnit.SECONDS);
      assertThat(q.verb()).isEqualTo("getVdsCapabilities");
      assertThat(q.flowId()).isEqualTo("f1");
    }
  }
}

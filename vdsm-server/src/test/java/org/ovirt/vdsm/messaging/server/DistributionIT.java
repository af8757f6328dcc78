package org.ovirt.vdsm.messaging.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as an operator uses it: unpacked, certificates made with {@code
 * bin/vdsm-server pki}, the server started with a configuration file, called with {@code
 * bin/vdsm-client}, stopped with SIGTERM (status 0, "stopped" logged); and its systemd unit checked
 * by {@code systemd-analyze verify} where that tool exists.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DistributionIT {
  private static final Pattern LISTENING = Pattern.compile("vdsm-server listening on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;
  private Path home;

  @BeforeEach
  void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("distribution.archive", "target/none.tar.gz"));
    assumeTrue(Files.isRegularFile(archive), "no " + archive + ": run through Maven's verify phase");
    assertThat(run(List.of("tar", "-xzf", archive.toString(), "-C", dir.toString())).status).isZero();
    try (Stream<Path> top = Files.list(dir)) {
      home = top.filter(p -> p.getFileName().toString().startsWith("vdsm-server-")).findFirst().orElseThrow();
    }
  }

  @Test
  void holdsLaunchersThinJarsConfigurationUnitAndLicences() throws IOException {
    for (String file : List.of("bin/vdsm-server", "bin/vdsm-client")) {
      assertThat(Files.isExecutable(home.resolve(file))).as(file).isTrue();
    }
    for (String file : List.of("conf/vdsm-server.conf", "conf/logback.xml", "systemd/vdsm-server.service",
        "LICENSE", "NOTICE", "docs/operations.md")) {
      assertThat(Files.isRegularFile(home.resolve(file))).as(file).isTrue();
    }
    assertThat(Files.readString(home.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
    List<String> jars;
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(jars).anyMatch(j -> j.startsWith("vdsm-server-")).anyMatch(j -> j.startsWith("engine-client-"))
        .anyMatch(j -> j.startsWith("netty-tcnative-boringssl-static-") && j.endsWith("-linux-x86_64.jar"))
        .anyMatch(j -> j.startsWith("netty-tcnative-boringssl-static-") && j.endsWith("-linux-aarch_64.jar"))
        .noneMatch(j -> j.contains("osx") || j.contains("windows"))
        .allMatch(j -> j.endsWith(".jar"));
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      assertThat(lib.mapToLong(p -> p.toFile().length()).max().orElseThrow()).as("thin jars").isLessThan(10L << 20);
    }
  }

  @Test
  void serverStartsFromItsConfigurationAnswersTheClientAndStopsCleanlyOnSigterm() throws Exception {
    Path ca = dir.resolve("ca");
    Path pki = dir.resolve("pki");
    assertOk(launcher("vdsm-server", "pki", "create-ca", "--ca-dir", ca.toString(), "--key-type", "ec256"));
    assertOk(launcher("vdsm-server", "pki", "issue-host", "--ca-dir", ca.toString(), "--pki-dir", pki.toString(),
        "--key-type", "ec256"));
    assertOk(launcher("vdsm-server", "pki", "issue-engine", "--ca-dir", ca.toString(), "--pki-dir", pki.toString(),
        "--key-type", "ec256"));
    Path config = dir.resolve("vdsm-server.conf");
    Files.writeString(config, "port = 0\nbind = 127.0.0.1\npki-dir = " + pki + "\n");
    Path stderr = dir.resolve("server.err");
    Process server = process(List.of(home.resolve("bin/vdsm-server").toString(), "--config", config.toString()))
        .redirectError(stderr.toFile())
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String ready = out.readLine(); // bounded by @Timeout
      assertThat(ready).as(Files.readString(stderr)).isNotNull();
      Matcher m = LISTENING.matcher(ready);
      assertThat(m.matches()).as(ready).isTrue();

      Result caps = launcher("vdsm-client", "--port", m.group(1), "--pki-dir", pki.toString(), "Host", "getCapabilities");
      assertThat(caps.status).as(caps.err).isZero();
      assertThat(caps.out).contains("\"version_name\"");

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      server.destroyForcibly();
    }
    String log = Files.readString(stderr);
    assertThat(server.exitValue()).as(log).isZero();
    assertThat(log).contains("stopping vdsm-server").containsPattern("stopped vdsm-server in \\d+ ms");
  }

  @Test
  void systemdUnitPassesSystemdAnalyzeVerify() throws Exception {
    Result which = run(List.of("sh", "-c", "command -v systemd-analyze"));
    assumeTrue(which.status == 0, "systemd-analyze is not installed here; the unit was not verified");
    String unit = Files.readString(home.resolve("systemd/vdsm-server.service"))
        .replace("/opt/vdsm-server", home.toString());
    Path copy = dir.resolve("vdsm-server.service");
    Files.writeString(copy, unit);
    Result verify = run(List.of("systemd-analyze", "verify", copy.toString()));
    assertThat(verify.status).as(verify.out + verify.err).isZero();
    assertThat(verify.err).doesNotContain("vdsm-server.service:");
    assertThat(unit).contains("NoNewPrivileges=yes", "ProtectSystem=strict", "User=vdsm-server", "Restart=on-failure")
        .containsPattern("(?m)^CapabilityBoundingSet=$").containsPattern("(?m)^Type=notify$");
  }

  private record Result(int status, String out, String err) {}

  private static void assertOk(Result r) {
    assertThat(r.status).as(r.out + r.err).isZero();
  }

  private Result launcher(String name, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin").resolve(name).toString());
    command.addAll(List.of(args));
    return run(command);
  }

  private ProcessBuilder process(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("JAVA_OPTS", "-Xmx256m");
    return builder;
  }

  private Result run(List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = process(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}

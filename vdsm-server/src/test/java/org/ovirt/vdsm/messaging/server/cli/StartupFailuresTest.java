package org.ovirt.vdsm.messaging.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.DevelopmentPki;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.RevocationListBuilder;

/**
 * Every way {@code vdsm-server} can fail to start that an operator can cause ends with one line on
 * standard error, saying what is wrong and what to do, and the documented exit status; never a
 * stack trace.
 */
class StartupFailuresTest {

  @TempDir Path dir;

  private static void assertOneLine(Invocation run, int status, String... fragments) {
    assertThat(run.status()).as(run.err()).isEqualTo(status);
    assertThat(run.errLines()).as(run.err()).hasSize(1);
    String line = run.errLines().get(0);
    assertThat(line).startsWith("vdsm-server: ").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(line).contains(fragments);
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "--port 70000          | --port 70000: out of range: use 1-65535, or 0 for a free port",
    "--port -1             | --port -1: out of range",
    "--port abc            | Invalid value for option '--port': 'abc' is not an int",
    "--workers 0           | --workers 0: use 1-1024 worker threads per subsystem",
    "--request-timeout 0   | --request-timeout 0: use 1-86400 seconds",
    "--tls maybe           | expected required, optional or off, got 'maybe'",
    "--xmlrpc yes          | expected on or off, got 'yes'",
    "--prot 1              | Unknown options: '--prot', '1'; did you mean --port?",
    "--port                | Missing required parameter for option '--port'",
  })
  void usageErrorsAreOneLineWithStatus64(String args, String message) {
    assertOneLine(Invocation.of(args.split(" ")), ExitCodes.USAGE, message);
  }

  @Test
  void unresolvableBindAddressIsUnavailable() {
    assertOneLine(Invocation.of("--tls", "off", "--bind", "nosuchhost.invalid", "--config", "/dev/null"),
        ExitCodes.UNAVAILABLE, "cannot resolve the --bind address 'nosuchhost.invalid'", "use an IP address of this host");
  }

  @Test
  void addressOfAnotherHostIsUnavailable() {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
    assertOneLine(Invocation.of("--tls", "off", "--bind", "192.0.2.7", "--port", "0", "--config", "/dev/null"),
        ExitCodes.UNAVAILABLE, "192.0.2.7 is not an address of this host");
  }

  @Test
  void portInUseIsUnavailable() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String port = String.valueOf(taken.getLocalPort());
      assertOneLine(Invocation.of("--tls", "off", "--bind", "127.0.0.1", "--port", port, "--config", "/dev/null"),
          ExitCodes.UNAVAILABLE, "port " + port + " on 127.0.0.1 is already in use", "choose another --port");
    }
  }

  @Test
  void pkiDirectoryWithoutCertificatesIsAConfigurationError() {
    Path empty = dir.resolve("pki");
    assertOneLine(Invocation.of("--pki-dir", empty.toString(), "--port", "0", "--config", "/dev/null"),
        ExitCodes.CONFIG, "no host certificate in " + empty, "vdsm-server pki issue-host");
    assertThat(Files.exists(empty)).as("nothing generated").isFalse();
  }

  @Test
  void missingHostKeyIsNamed() throws IOException {
    PkiLayout pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    Files.delete(pki.hostKey());
    assertOneLine(Invocation.of("--pki-dir", pki.root().toString(), "--config", "/dev/null"),
        ExitCodes.CONFIG, "lacks keys/vdsmkey.pem");
  }

  @Test
  void malformedHostKeyIsNamed() throws IOException {
    PkiLayout pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    Files.writeString(pki.hostKey(), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    assertOneLine(Invocation.of("--pki-dir", pki.root().toString(), "--config", "/dev/null"),
        ExitCodes.CONFIG, pki.hostKey().toString(), "replace the file");
  }

  @Test
  void keyOfAnotherCertificateIsNamed() throws IOException {
    PkiLayout pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    Files.delete(pki.hostKey());
    Files.copy(pki.engineKey(), pki.hostKey());
    assertOneLine(Invocation.of("--pki-dir", pki.root().toString(), "--config", "/dev/null"),
        ExitCodes.CONFIG, "the private key does not belong to the certificate");
  }

  @Test
  void aMissingCrlNamedOnTheCommandLineIsNamed() throws IOException {
    PkiLayout pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    Path crl = dir.resolve("missing.crl");
    assertOneLine(Invocation.of("--pki-dir", pki.root().toString(), "--crl", crl.toString(), "--bind", "127.0.0.1",
        "--port", "0", "--config", "/dev/null"), ExitCodes.CONFIG, crl + ": file not found", "drop --crl");
  }

  @Test
  void aCrlOfAnotherCaIsNamed() throws IOException {
    PkiLayout pki = DevelopmentPki.generate(dir.resolve("pki"), "localhost", List.of(), KeyType.EC_P256);
    new RevocationListBuilder(CertificateAuthority.create("O=other,CN=other CA", KeyType.EC_P256,
        java.time.Duration.ofDays(1))).writeTo(pki.crl());
    assertOneLine(Invocation.of("--pki-dir", pki.root().toString(), "--bind", "127.0.0.1", "--port", "0",
        "--config", "/dev/null"), ExitCodes.CONFIG, pki.crl() + ": the CRL of CN=other CA,O=other is not signed by a trusted CA");
  }

  @Test
  void aReloadIntervalOutOfRangeIsAUsageError() {
    assertOneLine(Invocation.of("--tls", "off", "--tls-reload-interval", "3601", "--config", "/dev/null"),
        ExitCodes.USAGE, "--tls-reload-interval 3601: use 0 (only on SIGHUP) to 3600 seconds");
  }

  @Test
  void devPkiRefusesTheProductionDirectory() {
    assertOneLine(Invocation.of("--dev-pki", "--pki-dir", "/etc/pki/vdsm", "--config", "/dev/null"),
        ExitCodes.USAGE, "--dev-pki never writes below /etc/pki");
  }
}

package org.ovirt.vdsm.messaging.server.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.Pem;
import org.ovirt.vdsm.messaging.tls.PemException;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vdsm-server pki}: creates a CA in a directory of its own, issues and renews host and
 * engine certificates into VDSM's layout, and shows what a PKI directory holds. Nothing is ever
 * generated unless one of these commands asks for it.
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "Create a CA, issue or renew host and engine certificates, show a PKI directory.",
    subcommands = {
      PkiCommand.CreateCa.class,
      PkiCommand.IssueHost.class,
      PkiCommand.IssueEngine.class,
      PkiCommand.Show.class
    })
public final class PkiCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** Parses {@code rsa2048|ec256}. */
  static final class KeyTypeConverter implements CommandLine.ITypeConverter<KeyType> {
    @Override
    public KeyType convert(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "rsa2048", "rsa" -> KeyType.RSA_2048;
        case "ec256", "ec", "p256" -> KeyType.EC_P256;
        default -> throw new CommandLine.TypeConversionException("expected rsa2048 or ec256, got '" + value + "'");
      };
    }
  }

  /** Options every issuing command has. */
  abstract static class Issue implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ca-dir", required = true, paramLabel = "DIR", description = "The CA directory (from create-ca).")
    Path caDir;

    @Option(names = "--pki-dir", paramLabel = "DIR", description = "The PKI directory to write into (default: ${DEFAULT-VALUE}).")
    Path pkiDir = Path.of("/etc/pki/vdsm");

    @Option(names = "--days", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days = (int) CertificateAuthority.DEFAULT_LEAF_VALIDITY.toDays();

    @Option(names = "--key-type", paramLabel = "rsa2048|ec256", converter = KeyTypeConverter.class,
        description = "Key type (default: rsa2048).")
    KeyType keyType = KeyType.RSA_2048;

    @Option(names = "--renew", description = "Replace existing files; the old ones are kept as *.previous.")
    boolean renew;

    @Override
    public Integer call() throws StartupFailure {
      if (days < 1) {
        throw new StartupFailure(ExitCodes.USAGE, "--days " + days + ": must be at least 1");
      }
      CertificateAuthority ca = new CaDirectory(caDir).load();
      PkiLayout layout = new PkiLayout(pkiDir);
      KeyAndCertificate issued;
      try {
        issued = issue(ca, Duration.ofDays(days));
      } catch (IllegalArgumentException e) {
        throw new StartupFailure(ExitCodes.USAGE, e.getMessage());
      }
      HostPkiWriter.installCa(ca.certificate(), layout, renew);
      install(issued, layout);
      PrintWriter out = spec.commandLine().getOut();
      out.println(PkiReport.describe(issued.certificate()));
      out.flush();
      return ExitCodes.OK;
    }

    abstract KeyAndCertificate issue(CertificateAuthority ca, Duration validity) throws StartupFailure;

    abstract void install(KeyAndCertificate issued, PkiLayout layout) throws StartupFailure;
  }

  /** {@code pki create-ca}. */
  @Command(name = "create-ca", mixinStandardHelpOptions = true,
      description = "Create a new CA (certificate and private key) in a directory of its own.")
  static final class CreateCa implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ca-dir", required = true, paramLabel = "DIR",
        description = "Where the CA goes: DIR/cacert.pem and DIR/private/cakey.pem. Keep it off the hosts.")
    Path caDir;

    @Option(names = "--subject", description = "The CA's subject, most significant first (default: ${DEFAULT-VALUE}).")
    String subject = "O=oVirt,CN=VDSM messaging CA";

    @Option(names = "--days", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days = (int) CertificateAuthority.DEFAULT_CA_VALIDITY.toDays();

    @Option(names = "--key-type", paramLabel = "rsa2048|ec256", converter = KeyTypeConverter.class,
        description = "Key type (default: rsa2048).")
    KeyType keyType = KeyType.RSA_2048;

    @Override
    public Integer call() throws StartupFailure {
      if (days < 1) {
        throw new StartupFailure(ExitCodes.USAGE, "--days " + days + ": must be at least 1");
      }
      CaDirectory dir = new CaDirectory(caDir);
      CertificateAuthority ca = dir.create(subject, keyType, Duration.ofDays(days));
      PrintWriter out = spec.commandLine().getOut();
      out.println("created CA in " + caDir + ": " + dir.certificate() + ", key " + dir.key());
      out.println(PkiReport.describe(ca.certificate()));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code pki issue-host}. */
  @Command(name = "issue-host", mixinStandardHelpOptions = true,
      description = "Issue (or with --renew, replace) the host certificate and key:"
          + " certs/vdsmcert.pem, keys/vdsmkey.pem, and certs/cacert.pem.")
  static final class IssueHost extends Issue {
    @Option(names = "--name", description = "The host's name, the certificate's CN (default: this machine's host name).")
    String name;

    @Option(names = "--san", paramLabel = "NAME|ADDRESS", split = ",",
        description = "More names or IP addresses clients use to reach the host (repeatable).")
    List<String> sans = new ArrayList<>();

    @Option(names = "--no-loopback", description = "Leave localhost, 127.0.0.1 and ::1 out of the subjectAltName.")
    boolean noLoopback;

    @Override
    KeyAndCertificate issue(CertificateAuthority ca, Duration validity) throws StartupFailure {
      List<String> names = new ArrayList<>();
      String cn = name;
      PkiLayout layout = new PkiLayout(pkiDir);
      if (cn == null && renew && Files.isRegularFile(layout.hostCert())) {
        // A renewal keeps the names of the certificate it replaces unless told otherwise.
        X509Certificate previous = readCertificate(layout.hostCert());
        cn = PkiReport.commonName(previous);
        names.addAll(PkiReport.hostNames(previous));
      }
      if (cn == null) {
        cn = localHostName();
      }
      names.add(0, cn);
      names.addAll(sans);
      if (!noLoopback) {
        names.addAll(List.of("localhost", "127.0.0.1", "::1"));
      }
      return ca.issueServer(cn, names.stream().distinct().toList(), keyType, validity);
    }

    private static X509Certificate readCertificate(Path file) throws StartupFailure {
      try {
        return Pem.readCertificate(file);
      } catch (PemException e) {
        throw new StartupFailure(ExitCodes.CONFIG, e.getMessage() + "; give --name and --san to renew without it");
      }
    }

    @Override
    void install(KeyAndCertificate issued, PkiLayout layout) throws StartupFailure {
      HostPkiWriter.install(issued, layout.hostCert(), layout.hostKey(), renew);
    }
  }

  /** {@code pki issue-engine}. */
  @Command(name = "issue-engine", mixinStandardHelpOptions = true,
      description = "Issue (or with --renew, replace) an engine (client) certificate and key:"
          + " certs/enginecert.pem, keys/enginekey.pem, and certs/cacert.pem.")
  static final class IssueEngine extends Issue {
    @Option(names = "--name", description = "The certificate's CN (default: ${DEFAULT-VALUE}).")
    String name = "engine";

    @Override
    KeyAndCertificate issue(CertificateAuthority ca, Duration validity) {
      return ca.issueClient(name, keyType, validity);
    }

    @Override
    void install(KeyAndCertificate issued, PkiLayout layout) throws StartupFailure {
      HostPkiWriter.install(issued, layout.engineCert(), layout.engineKey(), renew);
    }
  }

  /** {@code pki show}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show what PKI directories hold: each certificate's subject, issuer, SANs and expiry,"
          + " and whether each key matches its certificate.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "PKI or CA directories (default: /etc/pki/vdsm).")
    List<Path> dirs = new ArrayList<>();

    @Override
    public Integer call() {
      List<Path> shown = dirs.isEmpty() ? List.of(Path.of("/etc/pki/vdsm")) : dirs;
      PrintWriter out = spec.commandLine().getOut();
      boolean allGood = true;
      for (Path dir : shown) {
        allGood &= PkiReport.show(dir, out);
      }
      out.flush();
      return allGood ? ExitCodes.OK : ExitCodes.CONFIG;
    }
  }

  /** This machine's host name as DNS knows it, or {@code localhost}. */
  public static String localHostName() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}

package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.CertificateAuthority;
import org.ovirt.vdsm.messaging.tls.KeyType;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * {@code vdsm-server --dev-pki}: for development only, makes a PKI directory usable when it holds
 * no host certificate: a development CA in the sibling directory {@code <pki-dir>-ca} (never in
 * the PKI directory itself), then host and engine certificates issued by it into the PKI
 * directory. Refuses the production location {@code /etc/pki}.
 */
public final class DevPkiSetup {
  /** Where production PKI lives; {@code --dev-pki} never writes below it. */
  public static final Path PRODUCTION_ROOT = Path.of("/etc/pki");

  private DevPkiSetup() {}

  /** The CA directory used for {@code pkiDir}: its sibling {@code <name>-ca}. */
  public static CaDirectory caDirectoryFor(Path pkiDir) {
    Path absolute = pkiDir.toAbsolutePath().normalize();
    return new CaDirectory(absolute.resolveSibling(absolute.getFileName() + "-ca"));
  }

  /**
   * Creates what is missing.
   *
   * @param hostName the host certificate's CN
   * @param extraNames more names or addresses for its subjectAltName (loopback names are added)
   * @return a line saying what was created, or null when the directory already had host material
   * @throws StartupFailure when {@code pkiDir} is below {@link #PRODUCTION_ROOT} or files cannot be
   *     written
   */
  public static String ensure(Path pkiDir, String hostName, List<String> extraNames) throws StartupFailure {
    requireNonNull(pkiDir, "pkiDir");
    requireNonNull(hostName, "hostName");
    requireNonNull(extraNames, "extraNames");
    Path absolute = pkiDir.toAbsolutePath().normalize();
    if (absolute.startsWith(PRODUCTION_ROOT)) {
      throw new StartupFailure(ExitCodes.USAGE,
          "--dev-pki never writes below " + PRODUCTION_ROOT + ": give a development directory with --pki-dir,"
              + " or install real certificates (see 'vdsm-server pki --help')");
    }
    PkiLayout layout = new PkiLayout(absolute);
    if (layout.hasHostMaterial()) {
      return null;
    }
    CaDirectory caDir = caDirectoryFor(absolute);
    CertificateAuthority ca = caDir.exists()
        ? caDir.load()
        : caDir.create("O=oVirt development,CN=development CA", KeyType.RSA_2048, CertificateAuthority.DEFAULT_CA_VALIDITY);
    List<String> names = new ArrayList<>();
    names.add(hostName);
    names.addAll(extraNames);
    names.addAll(List.of("localhost", "127.0.0.1", "::1"));
    HostPkiWriter.installCa(ca.certificate(), layout, false);
    HostPkiWriter.install(ca.issueServer(hostName, names.stream().distinct().toList(), KeyType.RSA_2048,
        CertificateAuthority.DEFAULT_LEAF_VALIDITY), layout.hostCert(), layout.hostKey(), false);
    if (!layout.hasEngineMaterial()) {
      HostPkiWriter.install(ca.issueClient("engine"), layout.engineCert(), layout.engineKey(), false);
    }
    return "created development certificates in " + absolute + " (CA in " + caDir.root() + ")";
  }
}

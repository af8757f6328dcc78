package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/**
 * A {@link PkiLayout} whose engine files are another identity's, for {@code
 * EngineClientBuilder.pki}, which presents a layout's engine certificate: a private
 * temporary directory (owner-only) holding symbolic links {@code certs/cacert.pem}, {@code
 * certs/enginecert.pem} and {@code keys/enginekey.pem} (and {@code certs/cacrl.pem} when the PKI
 * directory has one) to the chosen files. No key is copied; the
 * links are removed on {@link #close()}. Used on a host, where only the host's own certificate
 * exists; the engine's identity needs no view.
 */
final class EngineLayoutView implements AutoCloseable {
  private final Path root;
  private final List<Path> created;

  private EngineLayoutView(Path root, List<Path> created) {
    this.root = root;
    this.created = created;
  }

  /** A layout presenting {@code identity}: its own directory for an engine identity, else a view. */
  static EngineLayoutView of(ClientIdentity identity, Path pkiDir) throws CliException {
    requireNonNull(identity, "identity");
    requireNonNull(pkiDir, "pkiDir");
    if (identity.isEngine()) {
      return new EngineLayoutView(pkiDir, List.of());
    }
    try {
      Path root = Files.createTempDirectory("vdsm-client-pki");
      PkiLayout view = new PkiLayout(root);
      Files.createDirectory(root.resolve("certs"));
      Files.createDirectory(root.resolve("keys"));
      Files.createSymbolicLink(view.caCert(), identity.caFile().toAbsolutePath());
      Files.createSymbolicLink(view.engineCert(), identity.certificateFile().toAbsolutePath());
      Files.createSymbolicLink(view.engineKey(), identity.keyFile().toAbsolutePath());
      Path crl = new PkiLayout(pkiDir).crl();
      if (Files.exists(crl)) {
        Files.createSymbolicLink(view.crl(), crl.toAbsolutePath());
      }
      return new EngineLayoutView(root, List.of(view.engineKey(), view.engineCert(), view.caCert(), view.crl(),
          root.resolve("keys"), root.resolve("certs"), root));
    } catch (IOException e) {
      throw new CliException(ExitCodes.CONFIG, "cannot prepare the host certificate for use: " + e.getMessage());
    }
  }

  /** The layout to give the client factory. */
  PkiLayout layout() {
    return new PkiLayout(root);
  }

  /** Removes the links and directories of a view (never the files they point to). */
  @Override
  public void close() {
    for (Path p : created) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temporary directory of links only; nothing secret is left behind
      }
    }
  }
}

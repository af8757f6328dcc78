package org.ovirt.vdsm.messaging.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsFiles;
import org.ovirt.vdsm.messaging.tls.TlsFilesWatcher;

/**
 * Where the host's revocation list is and how often its TLS files are checked for changes.
 *
 * @param crl the CRL file; {@code null}: the PKI directory's {@code certs/cacrl.pem}, used when it
 *     exists. A file named here must exist.
 * @param pollInterval how often the certificate, key, CA and CRL files are checked and, when
 *     changed, reloaded (default 5 s); {@link Duration#ZERO} checks only on SIGHUP
 */
public record TlsReloadSettings(Path crl, Duration pollInterval) {

  /** The PKI directory's own CRL when present, files checked every 5 seconds. */
  public static final TlsReloadSettings DEFAULTS =
      new TlsReloadSettings(null, TlsFilesWatcher.DEFAULT_INTERVAL);

  /** Checks the interval. */
  public TlsReloadSettings {
    requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval must not be negative: " + pollInterval);
    }
  }

  /** These settings with {@code file} as the CRL ({@code null}: the PKI directory's). */
  public TlsReloadSettings withCrl(Path file) {
    return new TlsReloadSettings(file, pollInterval);
  }

  /** These settings with another polling interval (zero: no polling). */
  public TlsReloadSettings withPollInterval(Duration interval) {
    return new TlsReloadSettings(crl, interval);
  }

  /** The host's files of {@code pki} with this CRL. */
  public TlsFiles hostFiles(PkiLayout pki) {
    TlsFiles files = TlsFiles.host(requireNonNull(pki, "pki"));
    return crl == null ? files : files.withRequiredCrl(crl);
  }

  /** Whether the files are polled. */
  public boolean polls() {
    return !pollInterval.isZero();
  }
}

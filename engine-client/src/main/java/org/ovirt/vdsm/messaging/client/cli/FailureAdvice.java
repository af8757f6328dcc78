package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.tls.PeerCertificateCheck;

/**
 * One line saying why a connection to a host failed and what to do about it, from the failure of
 * the engine client and the cause it carries: a TLS client at a plain-TCP port, a host certificate
 * of another CA, an expired, not yet valid or revoked one, one that does not name the host connected
 * to, the host refusing this client's certificate (as expired or not yet valid, as revoked, or as
 * not of its CA), a refused connection, an unknown host name.
 */
final class FailureAdvice {
  private final String host;
  private final int port;
  private final ClientIdentity identity;

  /**
   * @param identity the certificate presented, or {@code null} without TLS
   */
  FailureAdvice(String host, int port, ClientIdentity identity) {
    this.host = requireNonNull(host, "host");
    this.port = port;
    this.identity = identity;
  }

  /** The line for {@code failure} (without the tool's name). */
  String explain(ConnectionLostException failure) {
    requireNonNull(failure, "failure");
    List<Throwable> chain = chain(failure);
    String target = host + ":" + port;
    Optional<X509Certificate> expired = expiredCertificate(chain);
    if (expired.isPresent() || has(chain, CertificateExpiredException.class)) {
      return expired.map(c -> "the certificate of " + target + " (" + c.getSubjectX500Principal().getName()
          + ") expired on " + c.getNotAfter().toInstant()).orElse("the certificate of " + target + " has expired")
          + ": renew the host's certificate (certs/vdsmcert.pem on the host; vdsm-server picks the new one up"
          + " within seconds, or at once on SIGHUP)";
    }
    Optional<X509Certificate> early = refused(chain, CertificateNotYetValidException.class);
    if (early.isPresent() || has(chain, CertificateNotYetValidException.class)) {
      return "the certificate of " + target + early.map(c -> " (" + c.getSubjectX500Principal().getName()
          + ") is not valid before " + c.getNotBefore().toInstant()).orElse(" is not valid yet")
          + ": check the clocks of this machine and the host";
    }
    Optional<X509Certificate> revoked = refused(chain, CertificateRevokedException.class);
    if (revoked.isPresent() || has(chain, CertificateRevokedException.class)) {
      return "the certificate of " + target + revoked.map(c -> " (" + c.getSubjectX500Principal().getName()
          + ", serial " + c.getSerialNumber().toString(16) + ")").orElse("")
          + " is revoked by the CA's revocation list (certs/cacrl.pem): the host needs a new certificate";
    }
    if (has(chain, CertPathBuilderException.class) || mentions(chain, "unable to find valid certification path")
        || mentions(chain, "pkix path")) {
      return "the certificate of " + target + " is not signed by the CA this client trusts (" + caFile()
          + "): use the PKI directory of that host's engine (--pki-dir), or check that --host names the right machine";
    }
    if (mentions(chain, "no subject alternative") || mentions(chain, "no name matching")) {
      return "the certificate of " + target + " does not name '" + host + "': connect with a name or address it lists"
          + " (--host), or reissue it with this one (--insecure skips the check, unsafely)";
    }
    if (mentions(chain, "certificate_expired")) {
      // RFC 8446 6.2: certificate_expired means "expired or not currently valid".
      return target + " refused this client's certificate as expired or not yet valid (" + clientCertificate()
          + validity() + "): renew it, or check the clocks of this machine and the host";
    }
    if (mentions(chain, "certificate_revoked")) {
      return target + " refused this client's certificate as revoked (" + clientCertificate()
          + "): it is on the CA's revocation list; ask the CA for a new one";
    }
    if (mentions(chain, "bad_certificate") || mentions(chain, "certificate_unknown") || mentions(chain, "unknown_ca")
        || mentions(chain, "certificate_required") || mentions(chain, "decrypt_error") || mentions(chain, "access_denied")) {
      return target + " refused this client's certificate (" + clientCertificate()
          + "): it must be signed by the CA the host trusts (certs/cacert.pem on the host)";
    }
    if (has(chain, NotSslRecordException.class)) {
      return target + " answered in plain text, not TLS: it is a plain-TCP port (a host started with --tls off);"
          + " use --tls off for it, or the host's TLS port";
    }
    if (has(chain, SslHandshakeTimeoutException.class)) {
      return target + " did not complete a TLS handshake in time: check that --port is a VDSM port";
    }
    if (failure.reason() == ConnectionLostException.Reason.TLS && (has(chain, ClosedChannelException.class)
        || mentions(chain, "closed") || mentions(chain, "connection reset"))) {
      return target + " closed the connection during the TLS handshake: it is probably a plain-TCP port (a host"
          + " started with --tls off); use --tls off for it, or the host's TLS port";
    }
    if (has(chain, UnknownHostException.class)) {
      return "cannot connect to " + target + ": unknown host name '" + host + "'";
    }
    if (has(chain, ConnectException.class) && mentions(chain, "refused")) {
      return "cannot connect to " + target + ": connection refused (is vdsm-server running and listening on port "
          + port + "?)";
    }
    if (failure.reason() == ConnectionLostException.Reason.CONNECT_FAILED && mentions(chain, "timed out")) {
      return failure.getMessage() + (identity == null ? ": is the host up and is --port its port?"
          : ": TCP, the TLS handshake or STOMP CONNECT did not finish; a plain-TCP port (a host started with"
              + " --tls off) or an overloaded host does this");
    }
    return failure.getMessage();
  }

  /** The cause chain, one {@code class: message} per line, for {@code -v}. */
  static List<String> describeChain(Throwable failure) {
    List<String> lines = new ArrayList<>();
    for (Throwable t : chain(failure)) {
      lines.add(t.getClass().getName() + ": " + t.getMessage());
    }
    return lines;
  }

  private String caFile() {
    return identity == null ? "no CA" : identity.caFile().toString();
  }

  private String clientCertificate() {
    return identity == null ? "none" : identity.certificateFile() + ", " + identity.certificate().getSubjectX500Principal().getName();
  }

  private String validity() {
    return identity == null ? "" : ", valid from " + identity.certificate().getNotBefore().toInstant() + " to "
        + identity.certificate().getNotAfter().toInstant();
  }

  /** The certificate a {@link PeerCertificateCheck} refusal of {@code type} names, if any. */
  private static Optional<X509Certificate> refused(List<Throwable> chain, Class<? extends Throwable> type) {
    for (Throwable t : chain) {
      if (type.isInstance(t) && t instanceof PeerCertificateCheck.Refusal refusal && refusal.certificate() != null) {
        return Optional.of(refusal.certificate());
      }
    }
    return Optional.empty();
  }

  private static Optional<X509Certificate> expiredCertificate(List<Throwable> chain) {
    Optional<X509Certificate> ours = refused(chain, CertificateExpiredException.class);
    if (ours.isPresent()) {
      return ours;
    }
    for (Throwable t : chain) {
      if (t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
          && v.getCertPath() != null && v.getIndex() >= 0 && v.getIndex() < v.getCertPath().getCertificates().size()) {
        Certificate c = v.getCertPath().getCertificates().get(v.getIndex());
        if (c instanceof X509Certificate x) {
          return Optional.of(x);
        }
      }
    }
    return Optional.empty();
  }

  private static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t) && chain.size() < 16; t = t.getCause()) {
      chain.add(t);
      for (Throwable s : t.getSuppressed()) {
        chain.add(s);
      }
    }
    return chain;
  }

  private static boolean has(List<Throwable> chain, Class<? extends Throwable> type) {
    return chain.stream().anyMatch(type::isInstance);
  }

  private static boolean mentions(List<Throwable> chain, String words) {
    return chain.stream().anyMatch(t -> t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(words));
  }
}

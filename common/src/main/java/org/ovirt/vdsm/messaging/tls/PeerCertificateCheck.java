package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of both ends: checks a peer's certificate chain in an order that gives one
 * clear reason per refusal. First the validity period of every certificate of the chain ({@link
 * CertificateExpiredException}, {@link CertificateNotYetValidException}), then the chain to the
 * trusted CA certificates, key usage and, on the client when enabled, the host name (the JDK's PKIX
 * trust manager), then the revocation list ({@link CertificateRevokedException}). Each refusal's
 * message names the role (client or server certificate), the subject, the serial number and the
 * reason, and has no cause, so it is the root message a log line shows. The specific exception
 * types let the OpenSSL provider send the matching TLS alert ({@code certificate_expired}, {@code
 * certificate_revoked}).
 */
public final class PeerCertificateCheck extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager pkix;
  private final RevocationList crl;
  private final Clock clock;

  /**
   * @param trustAnchors the CA certificates a chain must end at
   * @param crl the revoked certificates ({@link RevocationList#NONE} for none)
   * @param clock the time validity is checked at
   * @throws IllegalArgumentException when no PKIX trust manager can be made of the anchors
   */
  public PeerCertificateCheck(
      List<X509Certificate> trustAnchors, RevocationList crl, Clock clock) {
    requireNonNull(trustAnchors, "trustAnchors");
    this.crl = requireNonNull(crl, "crl");
    this.clock = requireNonNull(clock, "clock");
    this.pkix = pkixOf(trustAnchors);
  }

  private static X509ExtendedTrustManager pkixOf(List<X509Certificate> trustAnchors) {
    if (trustAnchors.isEmpty()) {
      throw new IllegalArgumentException("no trusted CA certificate");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < trustAnchors.size(); i++) {
        store.setCertificateEntry("ca-" + i, trustAnchors.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
      throw new IllegalArgumentException("the PKIX trust manager factory made no X509 manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot make a trust manager: " + e.getMessage(), e);
    }
  }

  /** The revocation list applied. */
  public RevocationList revocationList() {
    return crl;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check("client", chain, () -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check("client", chain, () -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check("client", chain, () -> pkix.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check("server", chain, () -> pkix.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check("server", chain, () -> pkix.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check("server", chain, () -> pkix.checkServerTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  private interface PkixCheck {
    void run() throws CertificateException;
  }

  private void check(String role, X509Certificate[] chain, PkixCheck pkixCheck)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no " + role + " certificate");
    }
    Instant now = clock.instant();
    for (int i = 0; i < chain.length; i++) {
      checkValidity(what(role, i), chain[i], now);
    }
    try {
      pkixCheck.run();
    } catch (CertificateException e) {
      CertificateException refused =
          new CertificateException(
              role + " certificate " + describe(chain[0]) + " is not trusted: " + rootMessage(e));
      refused.addSuppressed(e);
      throw refused;
    }
    for (int i = 0; i < chain.length; i++) {
      Optional<X509CRLEntry> entry = crl.revocationOf(chain[i]);
      if (entry.isPresent()) {
        throw new Revoked(what(role, i), chain[i], entry.get());
      }
    }
  }

  private static String what(String role, int index) {
    return index == 0 ? role + " certificate" : "CA certificate " + index + " of the " + role;
  }

  private static void checkValidity(String what, X509Certificate certificate, Instant now)
      throws CertificateException {
    Instant notAfter = certificate.getNotAfter().toInstant();
    Instant notBefore = certificate.getNotBefore().toInstant();
    if (now.isAfter(notAfter)) {
      throw new Expired(what + " " + describe(certificate) + " expired at " + notAfter, certificate);
    }
    if (now.isBefore(notBefore)) {
      throw new NotYetValid(
          what + " " + describe(certificate) + " is not valid before " + notBefore, certificate);
    }
  }

  /** {@code subject (serial hex)}. */
  static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName()
        + " (serial "
        + certificate.getSerialNumber().toString(16)
        + ")";
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** A refusal of a peer's certificate by this check: which certificate. */
  public interface Refusal {
    /** The certificate refused (the peer's, or a CA certificate of its chain). */
    X509Certificate certificate();
  }

  /** A certificate past its {@code notAfter}. */
  public static final class Expired extends CertificateExpiredException implements Refusal {
    private static final long serialVersionUID = 1L;
    private final transient X509Certificate certificate;

    Expired(String message, X509Certificate certificate) {
      super(message);
      this.certificate = certificate;
    }

    @Override
    public X509Certificate certificate() {
      return certificate;
    }
  }

  /** A certificate before its {@code notBefore}. */
  public static final class NotYetValid extends CertificateNotYetValidException implements Refusal {
    private static final long serialVersionUID = 1L;
    private final transient X509Certificate certificate;

    NotYetValid(String message, X509Certificate certificate) {
      super(message);
      this.certificate = certificate;
    }

    @Override
    public X509Certificate certificate() {
      return certificate;
    }
  }

  /** A revoked certificate: the CRL entry's date and reason, in a message of our own. */
  public static final class Revoked extends CertificateRevokedException implements Refusal {
    private static final long serialVersionUID = 1L;
    private final String message;
    private final transient X509Certificate certificate;

    @Override
    public X509Certificate certificate() {
      return certificate;
    }

    Revoked(String what, X509Certificate certificate, X509CRLEntry entry) {
      super(
          entry.getRevocationDate(),
          reasonOf(entry),
          certificate.getIssuerX500Principal(),
          Map.of());
      this.certificate = certificate;
      this.message =
          what
              + " "
              + describe(certificate)
              + " is revoked (since "
              + dateOf(entry.getRevocationDate())
              + ", reason "
              + reasonOf(entry)
              + ")";
    }

    private static CRLReason reasonOf(X509CRLEntry entry) {
      CRLReason reason = entry.getRevocationReason();
      return reason == null ? CRLReason.UNSPECIFIED : reason;
    }

    private static String dateOf(Date date) {
      return date == null ? "an unknown time" : date.toInstant().toString();
    }

    @Override
    public String getMessage() {
      return message;
    }
  }
}

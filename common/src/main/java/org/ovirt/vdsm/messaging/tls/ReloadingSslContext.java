package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link SslContext} whose TLS material (certificate, key, CA, CRL) can be replaced while it is
 * in use: it holds the context built from the files as they were last read and hands every new
 * handler or engine to that one. {@link #reload()} reads the files again and, when they make a
 * usable context, swaps it in atomically: connections made from then on use the new material,
 * connections already made keep theirs untouched. A reload that fails (a missing or unreadable
 * file, bad PEM, a key that does not belong to the certificate, a CRL not signed by the CA, a
 * certificate outside its validity period) keeps the current material and logs one WARN line
 * saying why; a successful one logs one INFO line naming the new subject, serial and expiry.
 *
 * <p>{@link #reloadIfChanged()} reloads only when the files' fingerprint ({@link
 * TlsFiles#fingerprint()}) differs from the one last read and has settled (is the same at two
 * calls in a row), and tries a failed state only once, so a poller ({@link TlsFilesWatcher}) can
 * call it every few seconds without catching a renewal half-way or flooding the log. Both
 * are thread-safe; a reload runs on the calling thread (file reads, no network).
 */
public final class ReloadingSslContext extends SslContext {
  private static final Logger log = LoggerFactory.getLogger(ReloadingSslContext.class);

  /** What a reload did. */
  public enum Outcome {
    /** New material is in use. */
    RELOADED,
    /** The files did not change since they were last read; nothing done. */
    UNCHANGED,
    /** The files could not be used; the previous material stays in use. */
    FAILED
  }

  /** Builds a context of the right side from material. */
  @FunctionalInterface
  public interface ContextFactory {
    /** The context presenting and checking with {@code material}. */
    SslContext build(TlsMaterial material) throws IOException;
  }

  private record Current(SslContext context, TlsMaterial material, String fingerprint) {}

  private final String name;
  private final TlsFiles files;
  private final ContextFactory factory;
  private final boolean client;
  private final Object reloadLock = new Object();
  private volatile Current current;
  private String failedFingerprint;
  private String seenFingerprint;
  private long generation;

  private ReloadingSslContext(String name, TlsFiles files, ContextFactory factory)
      throws IOException {
    this.name = requireNonNull(name, "name");
    this.files = requireNonNull(files, "files");
    this.factory = requireNonNull(factory, "factory");
    String fingerprint = files.fingerprint();
    TlsMaterial material = TlsMaterial.load(files);
    SslContext context = factory.build(material);
    this.client = context.isClient();
    this.current = new Current(context, material, fingerprint);
    warnIfStale(material);
    log.info("{} TLS material loaded: {}", name, material.describe());
  }

  /**
   * The host's reloading context: as {@link TlsContexts#server(TlsMaterial, SslProvider)} with the
   * {@linkplain TlsContexts#provider() default provider}.
   *
   * @throws PemException if the files cannot be used now
   */
  public static ReloadingSslContext server(TlsFiles files) throws IOException {
    return server(files, TlsContexts.provider());
  }

  /** As {@link #server(TlsFiles)} with an explicit provider. */
  public static ReloadingSslContext server(TlsFiles files, SslProvider provider)
      throws IOException {
    requireNonNull(provider, "provider");
    return new ReloadingSslContext("server", files, m -> TlsContexts.server(m, provider));
  }

  /**
   * A client's reloading context: as {@link TlsContexts#client(TlsMaterial, boolean,
   * SslProvider)} with the {@linkplain TlsContexts#provider() default provider}.
   *
   * @throws PemException if the files cannot be used now
   */
  public static ReloadingSslContext client(TlsFiles files, boolean verifyHostName)
      throws IOException {
    return client(files, verifyHostName, TlsContexts.provider());
  }

  /** As {@link #client(TlsFiles, boolean)} with an explicit provider. */
  public static ReloadingSslContext client(
      TlsFiles files, boolean verifyHostName, SslProvider provider) throws IOException {
    requireNonNull(provider, "provider");
    return new ReloadingSslContext(
        "client", files, m -> TlsContexts.client(m, verifyHostName, provider));
  }

  /** The files read. */
  public TlsFiles files() {
    return files;
  }

  /** The material in use. */
  public TlsMaterial material() {
    return current.material();
  }

  /** The context in use (new handlers come from it). */
  public SslContext current() {
    return current.context();
  }

  /** How many times new material was swapped in since creation. */
  public long generation() {
    synchronized (reloadLock) {
      return generation;
    }
  }

  /** Reads the files again, whether or not they changed (SIGHUP, an explicit request). */
  public Outcome reload() {
    synchronized (reloadLock) {
      return load(files.fingerprint(), true);
    }
  }

  /**
   * Reads the files again if their fingerprint changed since they were last read or tried, and has
   * stayed the same since the previous call: a renewal that writes the key and then the
   * certificate is read whole, one call later, instead of failing half-way. Until then, and when
   * nothing changed, {@link Outcome#UNCHANGED}.
   */
  public Outcome reloadIfChanged() {
    synchronized (reloadLock) {
      String fingerprint = files.fingerprint();
      if (fingerprint.equals(current.fingerprint()) || fingerprint.equals(failedFingerprint)) {
        seenFingerprint = fingerprint;
        return Outcome.UNCHANGED;
      }
      if (!fingerprint.equals(seenFingerprint)) {
        seenFingerprint = fingerprint; // changed since the last look: let it settle
        return Outcome.UNCHANGED;
      }
      return load(fingerprint, false);
    }
  }

  private Outcome load(String fingerprint, boolean asked) {
    Current before = current;
    TlsMaterial material;
    SslContext context;
    try {
      material = TlsMaterial.load(files);
      if (material.certificateInvalidAt(Instant.now())) {
        throw new IOException(
            "the new certificate "
                + PeerCertificateCheck.describe(material.certificate())
                + " is valid only from "
                + material.certificate().getNotBefore().toInstant()
                + " to "
                + material.certificate().getNotAfter().toInstant());
      }
      context = factory.build(material);
    } catch (IOException | RuntimeException e) {
      failedFingerprint = fingerprint;
      log.warn(
          "{} TLS material not reloaded{}, keeping {}: {}",
          name,
          asked ? "" : " after a file change",
          "certificate " + PeerCertificateCheck.describe(before.material().certificate())
              + " valid until " + before.material().certificate().getNotAfter().toInstant(),
          e.getMessage());
      return Outcome.FAILED;
    }
    current = new Current(context, material, fingerprint);
    failedFingerprint = null;
    generation++;
    warnIfStale(material);
    log.info("{} TLS material reloaded: {}", name, material.describe());
    return Outcome.RELOADED;
  }

  private void warnIfStale(TlsMaterial material) {
    if (material.crl().isStale(Instant.now())) {
      log.warn(
          "{} TLS: {} is past its next update; it is still applied, publish a newer one",
          name,
          material.crl().describe());
    }
  }

  // ---------------------------------------------------------------- SslContext, delegated

  @Override
  public boolean isClient() {
    return client;
  }

  @Override
  public List<String> cipherSuites() {
    return current().cipherSuites();
  }

  @Override
  public long sessionCacheSize() {
    return current().sessionCacheSize();
  }

  @Override
  public long sessionTimeout() {
    return current().sessionTimeout();
  }

  @Override
  @SuppressWarnings("deprecation")
  public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
    return current().applicationProtocolNegotiator();
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc) {
    return current().newEngine(alloc);
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return current().newEngine(alloc, peerHost, peerPort);
  }

  @Override
  public SSLSessionContext sessionContext() {
    return current().sessionContext();
  }

  @Override
  protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
    return startTls ? new SslHandler(newEngine(alloc), true) : current().newHandler(alloc);
  }

  @Override
  public SslHandler newHandler(ByteBufAllocator alloc, Executor delegatedTaskExecutor) {
    return current().newHandler(alloc, delegatedTaskExecutor);
  }

  @Override
  protected SslHandler newHandler(
      ByteBufAllocator alloc, boolean startTls, Executor delegatedTaskExecutor) {
    return startTls
        ? new SslHandler(newEngine(alloc), true, delegatedTaskExecutor)
        : current().newHandler(alloc, delegatedTaskExecutor);
  }

  @Override
  protected SslHandler newHandler(
      ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
    return startTls
        ? new SslHandler(newEngine(alloc, peerHost, peerPort), true)
        : current().newHandler(alloc, peerHost, peerPort);
  }

  @Override
  public SslHandler newHandler(
      ByteBufAllocator alloc, String peerHost, int peerPort, Executor delegatedTaskExecutor) {
    return current().newHandler(alloc, peerHost, peerPort, delegatedTaskExecutor);
  }

  @Override
  protected SslHandler newHandler(
      ByteBufAllocator alloc,
      String peerHost,
      int peerPort,
      boolean startTls,
      Executor delegatedTaskExecutor) {
    return startTls
        ? new SslHandler(newEngine(alloc, peerHost, peerPort), true, delegatedTaskExecutor)
        : current().newHandler(alloc, peerHost, peerPort, delegatedTaskExecutor);
  }

  @Override
  public String toString() {
    return "ReloadingSslContext[" + name + ", " + current.material().describe() + "]";
  }
}

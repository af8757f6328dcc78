package org.ovirt.vdsm.messaging.testing;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.ovirt.vdsm.messaging.tls.KeyAndCertificate;

/**
 * A blocking JDK TLS client for tests: one connection to 127.0.0.1, every read bounded by {@link
 * #WAIT}; tells the serial number of the certificate the server presented, echoes bytes, reads
 * NUL-terminated (STOMP) frames.
 */
public final class JdkTlsClient implements AutoCloseable {
  /** The deadline of the connect and of every read. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private static final char[] NO_PASSWORD = new char[0];
  private final SSLSocket socket;

  private JdkTlsClient(SSLSocket socket) {
    this.socket = socket;
  }

  /** Presents {@code identity}, trusts {@code ca}, completes the handshake. */
  public static JdkTlsClient connect(int port, KeyAndCertificate identity, X509Certificate ca)
      throws IOException {
    SSLSocket socket = (SSLSocket) context(identity, ca).getSocketFactory().createSocket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.startHandshake();
      return new JdkTlsClient(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The serial number of the server's certificate. */
  public BigInteger serverSerial() throws IOException {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  /** Sends {@code payload} and reads as many bytes back. */
  public byte[] echo(byte[] payload) throws IOException {
    socket.getOutputStream().write(payload);
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    byte[] back = in.readNBytes(payload.length);
    if (back.length < payload.length) {
      throw new IOException("closed after " + back.length + " bytes: " + Arrays.toString(back));
    }
    return back;
  }

  /** Sends {@code frame} and reads the answer up to and without its NUL (a STOMP frame). */
  public String frame(String frame) throws IOException {
    socket.getOutputStream().write(frame.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != 0) {
      if (b < 0) {
        throw new IOException("closed after: " + answer.toString(StandardCharsets.UTF_8));
      }
      if (answer.size() > 0 || (b != '\n' && b != '\r')) { // heart-beats before a frame
        answer.write(b);
      }
      if (answer.size() > 1 << 20) {
        throw new IOException("frame over 1 MiB");
      }
    }
    return answer.toString(StandardCharsets.UTF_8);
  }

  /** The local port of the connection (the server logs it as the peer's). */
  public int localPort() {
    return socket.getLocalPort();
  }

  private static SSLContext context(KeyAndCertificate identity, X509Certificate ca)
      throws IOException {
    requireNonNull(identity, "identity");
    requireNonNull(ca, "ca");
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "key", identity.privateKey(), NO_PASSWORD, new X509Certificate[] {identity.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, NO_PASSWORD);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package org.ovirt.vdsm.messaging.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bounded label sets: error codes into outcome classes, handshake failures into reasons. */
class OutcomeAndReasonTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "-32700, REQUEST_ERROR", "-32600, REQUEST_ERROR", "-32601, REQUEST_ERROR", "-32602, REQUEST_ERROR",
    "-32603, INTERNAL_ERROR", "-32099, INTERNAL_ERROR", "-32001, INTERNAL_ERROR", "100, INTERNAL_ERROR",
    "1100, REFUSED", "1, API_ERROR", "4, API_ERROR", "5022, API_ERROR", "-32604, API_ERROR", "-32100, API_ERROR"
  })
  void errorCodesFallIntoClasses(int code, CallOutcome outcome) {
    assertThat(CallOutcome.ofError(code)).isEqualTo(outcome);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "Empty client certificate chain | NO_CLIENT_CERTIFICATE",
    "error:10000412:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE | NO_CLIENT_CERTIFICATE",
    "PKIX path building failed: unable to find valid certification path to requested target | UNTRUSTED_CERTIFICATE",
    "error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN | UNTRUSTED_CERTIFICATE",
    "Received fatal alert: unknown_ca | UNTRUSTED_CERTIFICATE",
    "Received fatal alert: certificate_expired | CERTIFICATE_EXPIRED",
    "The client supported protocol versions [TLSv1.1] are not accepted by server preferences [TLS13, TLS12] | OTHER",
    "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL | PROTOCOL_VERSION",
    "No appropriate protocol (protocol is disabled or cipher suites are inappropriate) | PROTOCOL_VERSION",
    "no cipher suites in common | NO_SHARED_CIPHER",
    "error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER | NO_SHARED_CIPHER",
    "Connection reset by peer | CONNECTION_CLOSED",
    "something new | OTHER"
  })
  void handshakeMessagesOfBothProvidersFallIntoReasons(String message, TlsFailure reason) {
    assertThat(TlsFailure.of(new DecoderException(new SSLHandshakeException(message)))).isEqualTo(reason);
  }

  @org.junit.jupiter.api.Test
  void exceptionTypesDecideFirst() {
    assertThat(TlsFailure.of(new SslHandshakeTimeoutException("handshake timed out after 10000ms"))).isEqualTo(TlsFailure.TIMEOUT);
    assertThat(TlsFailure.of(new NotSslRecordException("plaintext"))).isEqualTo(TlsFailure.NOT_TLS);
    assertThat(TlsFailure.of(new DecoderException(new CertificateExpiredException("NotAfter")))).isEqualTo(TlsFailure.CERTIFICATE_EXPIRED);
    assertThat(TlsFailure.of(new ClosedChannelException())).isEqualTo(TlsFailure.CONNECTION_CLOSED);
    assertThat(TlsFailure.of(new SSLHandshakeException(null))).isEqualTo(TlsFailure.OTHER);
  }
}

/**
 * PKI and TLS helpers: the VDSM certificate file layout ({@link
 * org.ovirt.vdsm.messaging.tls.PkiLayout}), PEM reading and writing, a small certificate authority
 * for development and tests, and the Netty {@link io.netty.handler.ssl.SslContext}s for mutual TLS
 * between the engine (client) and the host (server): TLS 1.3 and 1.2 only, the engine CA as the
 * only trust anchor.
 */
package org.ovirt.vdsm.messaging.tls;

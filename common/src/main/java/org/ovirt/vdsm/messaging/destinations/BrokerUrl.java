package org.ovirt.vdsm.messaging.destinations;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The address of an external STOMP broker, read the same way by the engine
 * ({@code EngineClientFactory}, {@code vdsm-client --broker}) and the host ({@code vdsm-server
 * --broker}): {@code stomp+ssl://HOST:PORT} (mutual TLS, the broker's certificate checked
 * against HOST) or {@code stomp://HOST:PORT} (plain TCP, development only). The port is required:
 * brokers differ in their default STOMP ports.
 *
 * @param uri the address as given
 * @param host the host name or address (an IPv6 literal without brackets)
 * @param port the STOMP port
 * @param tls whether the connection uses TLS
 */
public record BrokerUrl(URI uri, String host, int port, boolean tls) {
  /** The scheme of a TLS broker address. */
  public static final String TLS_SCHEME = "stomp+ssl";
  /** The scheme of a plaintext broker address. */
  public static final String PLAIN_SCHEME = "stomp";

  public BrokerUrl {
    requireNonNull(uri, "uri");
    requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Reads {@code url}; blanks around it are ignored.
   *
   * @throws IllegalArgumentException when it is not {@code stomp+ssl://HOST:PORT} or {@code
   *     stomp://HOST:PORT} (no user, path, query or fragment)
   */
  public static BrokerUrl parse(String url) {
    requireNonNull(url, "url");
    try {
      return of(new URI(url.strip()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a broker URL: " + url + " (" + e.getReason() + ")", e);
    }
  }

  /** {@link #parse} for a URI. */
  public static BrokerUrl of(URI uri) {
    requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    boolean tls;
    if (TLS_SCHEME.equalsIgnoreCase(scheme)) {
      tls = true;
    } else if (PLAIN_SCHEME.equalsIgnoreCase(scheme)) {
      tls = false;
    } else {
      throw new IllegalArgumentException("a broker URL is stomp+ssl://HOST:PORT or stomp://HOST:PORT: " + uri);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty() || uri.getPort() < 0) {
      throw new IllegalArgumentException("a broker URL needs a host and a port: " + uri);
    }
    if (uri.getRawUserInfo() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("a broker URL has only a scheme, a host and a port: " + uri);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new BrokerUrl(uri, host, uri.getPort(), tls);
  }

  /** {@code host:port} ({@code [v6]:port}), for messages. */
  public String name() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}

package org.ovirt.vdsm.messaging.server.brokered;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The address of an external STOMP broker: {@code stomp+ssl://HOST:PORT} (mutual TLS, the broker's
 * certificate checked against HOST) or {@code stomp://HOST:PORT} (plain TCP, development only).
 *
 * @param text the URL as given
 * @param tls whether the connection uses TLS
 * @param host the broker's host name or address
 * @param port the broker's STOMP port
 */
public record BrokerUrl(String text, boolean tls, String host, int port) {
  public BrokerUrl {
    requireNonNull(text, "text");
    requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses {@code stomp+ssl://HOST:PORT} or {@code stomp://HOST:PORT} (IPv6 literals in brackets).
   *
   * @throws IllegalArgumentException when the URL has another scheme, no host, no port, or a path
   */
  public static BrokerUrl parse(String text) {
    requireNonNull(text, "text");
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a broker URL: " + text + " (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    boolean tls;
    if ("stomp+ssl".equalsIgnoreCase(scheme)) {
      tls = true;
    } else if ("stomp".equalsIgnoreCase(scheme)) {
      tls = false;
    } else {
      throw new IllegalArgumentException("a broker URL is stomp+ssl://HOST:PORT or stomp://HOST:PORT: " + text);
    }
    String host = uri.getHost();
    if (host == null || uri.getPort() < 0) {
      throw new IllegalArgumentException("a broker URL needs a host and a port: " + text);
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("a broker URL has no user, path or query: " + text);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new BrokerUrl(text.strip(), tls, host, uri.getPort());
  }

  /** {@code host:port}, for log lines. */
  public String peerName() {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return text;
  }
}

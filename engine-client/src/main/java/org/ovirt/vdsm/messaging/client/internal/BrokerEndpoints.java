package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.stomp.client.StompConnector;

/**
 * The broker addresses of one engine, tried in order (a cluster: after each failure the next one),
 * and how to connect to each: TLS for {@code stomp+ssl}, plain TCP for {@code stomp}. Not
 * thread-safe: used on the session's event loop.
 */
final class BrokerEndpoints {
  private final List<BrokerUrl> urls;
  private final StompConnector tls;
  private final StompConnector plain;
  private int current;

  /**
   * @param tls makes TLS connections ({@code null} when the factory has no TLS material)
   * @param plain makes plaintext connections
   * @throws IllegalStateException for a TLS URL without TLS material
   */
  BrokerEndpoints(List<BrokerUrl> urls, StompConnector tls, StompConnector plain) {
    this.urls = List.copyOf(requireNonNull(urls, "urls"));
    if (this.urls.isEmpty()) {
      throw new IllegalArgumentException("at least one broker URL is needed");
    }
    this.tls = tls;
    this.plain = requireNonNull(plain, "plain");
    for (BrokerUrl url : this.urls) {
      if (url.tls() && tls == null) {
        throw new IllegalStateException(url + " needs TLS: build the factory with pki(...)");
      }
    }
  }

  List<BrokerUrl> all() {
    return urls;
  }

  /** The URL to connect to now. */
  BrokerUrl current() {
    return urls.get(current);
  }

  /** How to connect to {@link #current()}. */
  StompConnector connector() {
    return current().tls() ? tls : plain;
  }

  /** The current URL failed or was lost: the next one is tried next. */
  void advance() {
    current = (current + 1) % urls.size();
  }
}

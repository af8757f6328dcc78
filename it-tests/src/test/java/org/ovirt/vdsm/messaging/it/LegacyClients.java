package org.ovirt.vdsm.messaging.it;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.client.XmlRpcClientException;
import org.apache.xmlrpc.client.XmlRpcSun14HttpTransport;

/**
 * Apache XML-RPC 3.1.3 clients, a real legacy client nobody here wrote, over the JDK's
 * HttpURLConnection: plain HTTP or HTTPS with an {@link SSLContext} (mutual TLS), optionally
 * sending the {@code FlowID} header. Every call has a 10 s connect and reply deadline.
 */
final class LegacyClients {
  static final int TIMEOUT_MS = 10_000;

  private LegacyClients() {}

  static XmlRpcClient apache(String url, SSLContext tls) throws MalformedURLException {
    return apache(url, tls, null);
  }

  static XmlRpcClient apache(String url, SSLContext tls, String flowId) throws MalformedURLException {
    XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
    config.setServerURL(new URL(url));
    config.setConnectionTimeout(TIMEOUT_MS);
    config.setReplyTimeout(TIMEOUT_MS);
    XmlRpcClient client = new XmlRpcClient();
    client.setConfig(config);
    client.setTransportFactory(() -> {
      XmlRpcSun14HttpTransport transport = new XmlRpcSun14HttpTransport(client) {
        @Override
        protected void initHttpHeaders(XmlRpcRequest request) throws XmlRpcClientException {
          super.initHttpHeaders(request);
          if (flowId != null) {
            setRequestHeader("FlowID", flowId);
          }
        }
      };
      if (tls != null) {
        transport.setSSLSocketFactory(tls.getSocketFactory());
      }
      return transport;
    });
    return client;
  }

  /** Calls {@code verb} and returns the legacy result struct. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> call(XmlRpcClient client, String verb, Object... params) throws XmlRpcException {
    return (Map<String, Object>) client.execute(verb, List.of(params));
  }

  /** The {@code status} member of a legacy result. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> status(Map<String, Object> result) {
    return (Map<String, Object>) result.get("status");
  }
}

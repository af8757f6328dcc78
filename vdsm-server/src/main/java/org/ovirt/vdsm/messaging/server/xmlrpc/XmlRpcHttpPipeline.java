package org.ovirt.vdsm.messaging.server.xmlrpc;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits;

/**
 * Installs the host's legacy HTTP/1.1 handlers at the end of a connection's pipeline: the HTTP codec
 * (request line and headers bounded), the body aggregator ({@code Content-Length} and chunked
 * bodies up to {@link XmlRpcLimits#maxBodyBytes()}, larger ones answered {@code 413}; {@code Expect:
 * 100-continue} honoured), and the XML-RPC request handler.
 *
 * <p>What the handler answers: {@code POST /RPC2} (and {@code POST /}) with an XML-RPC body: {@code
 * 200} and a {@code methodResponse} (result or fault); another path: {@code 404}; another method on
 * those paths: {@code 405} with {@code Allow: POST}; XML-RPC disabled: {@code 501 Not Implemented}
 * with a body saying XML-RPC is no longer supported; a malformed request: {@code 400}, a request line
 * too long: {@code 414}, headers too large: {@code 431}, each followed by close. Connections are kept
 * alive (HTTP/1.1 default, or HTTP/1.0 with {@code Connection: keep-alive}); pipelined requests are
 * answered in order, at most {@value XmlRpcHttpHandler#MAX_PIPELINED} waiting, the next one answered
 * {@code 503} with {@code Connection: close}; a connection that
 * does not deliver a complete request within {@link XmlRpcSettings#requestTimeout()} is closed.
 */
public final class XmlRpcHttpPipeline {
  /** Pipeline name of the HTTP codec. */
  public static final String CODEC = "http-codec";
  /** Pipeline name of the body aggregator. */
  public static final String AGGREGATOR = "http-aggregator";
  /** Pipeline name of the XML-RPC request handler. */
  public static final String HANDLER = "xmlrpc-http";

  private final XmlRpcSettings settings;
  private final XmlRpcEndpoint endpoint;

  /**
   * @param settings the HTTP limits and whether XML-RPC is enabled
   * @param endpoint answers the XML-RPC bodies; {@code null} only when XML-RPC is disabled
   */
  public XmlRpcHttpPipeline(XmlRpcSettings settings, XmlRpcEndpoint endpoint) {
    this.settings = requireNonNull(settings, "settings");
    if (settings.enabled() && endpoint == null) {
      throw new IllegalArgumentException("XML-RPC is enabled: an endpoint is needed");
    }
    this.endpoint = settings.enabled() ? endpoint : null;
  }

  /** Adds codec, aggregator and a new request handler to {@code pipeline}. */
  public void install(ChannelPipeline pipeline) {
    requireNonNull(pipeline, "pipeline");
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(settings.maxInitialLineBytes())
            .setMaxHeaderSize(settings.maxHeaderBytes())
            .setMaxChunkSize(64 * 1024);
    pipeline.addLast(CODEC, new HttpServerCodec(decoder));
    pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(settings.limits().maxBodyBytes(), true));
    pipeline.addLast(HANDLER, new XmlRpcHttpHandler(endpoint, settings.requestTimeout()));
  }
}

package org.ovirt.vdsm.messaging.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.client.internal.ClientStompHandler;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.ovirt.vdsm.messaging.tls.PkiLayout;
import org.ovirt.vdsm.messaging.tls.TlsContexts;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * Configured once per engine, makes {@link HostClient}s: it owns the TLS material, the defaults and
 * the one Netty event-loop group that every host connection shares. Close it to close everything.
 *
 * <pre>{@code
 * try (EngineClientFactory factory = EngineClientFactory.builder().pki(new PkiLayout(dir)).build();
 *     HostClient host = factory.connect("host1.example.com", 54321).get()) {
 *   JsonElement caps = host.call("Host.getCapabilities", null).get();
 * }
 * }</pre>
 */
public final class EngineClientFactory implements AutoCloseable {
  /** The destination requests are sent to (the VDS side). */
  public static final String REQUESTS = "jms.topic.vdsm_requests";
  /** The destination responses are asked for. */
  public static final String RESPONSES = "jms.topic.vdsm_responses";

  private final SslContext ssl;
  private final Duration defaultTimeout;
  private final Duration connectTimeout;
  private final HeartBeat heartBeat;
  private final StompDecoderLimits limits;
  private final EventLoopGroup group;
  private final NettyTransport transport = NettyTransport.best();
  private final ThreadPoolExecutor parsers;

  private EngineClientFactory(Builder b) throws IOException {
    this.ssl = b.plaintext ? null : TlsContexts.client(b.pki, b.verifyHostName);
    this.defaultTimeout = b.defaultTimeout;
    this.connectTimeout = b.connectTimeout;
    this.heartBeat = b.heartBeat;
    this.limits = b.limits;
    this.group = transport.newGroup(b.ioThreads, "vdsm-client-io", true);
    // Parses answers off the I/O threads; when its queue is full the I/O thread parses itself,
    // which stops it reading from the network until it has caught up (bounded memory).
    this.parsers =
        new ThreadPoolExecutor(
            b.parserThreads,
            b.parserThreads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4096),
            r -> {
              Thread t = new Thread(r, "vdsm-client-parser");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The deadline of a call that does not give its own. */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /**
   * Connects to a host: TCP, the TLS handshake (the host's certificate must be signed by the CA
   * and, unless disabled, match {@code host}), STOMP CONNECT and the subscription to responses.
   *
   * @return a future of the ready client, failed with {@link ConnectionLostException} when any step
   *     fails or takes longer than the connect timeout
   */
  public CompletableFuture<HostClient> connect(String host, int port) {
    requireNonNull(host, "host");
    CompletableFuture<HostClient> ready = new CompletableFuture<>();
    String name = host + ":" + port;
    ClientStompHandler handler = new ClientStompHandler(name, host, heartBeat, RESPONSES, parsers);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                      SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                      tls.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                      ch.pipeline().addLast("tls", tls);
                    }
                    ch.pipeline().addLast(ClientStompHandler.DECODER, new StompFrameDecoder(limits));
                    ch.pipeline().addLast("stomp-encoder", new StompFrameEncoder());
                    ch.pipeline().addLast("stomp-session", handler);
                  }
                });
    ChannelFuture connecting = bootstrap.connect(host, port);
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            ready.completeExceptionally(
                new ConnectionLostException("cannot connect to " + name + ": " + f.cause().getMessage(), f.cause()));
          }
        });
    handler
        .connected()
        .orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                ready.complete(new HostClient(name, connecting.channel(), handler, defaultTimeout));
              } else {
                connecting.channel().close();
                ready.completeExceptionally(
                    failure instanceof ConnectionLostException
                        ? failure
                        : new ConnectionLostException("cannot connect to " + name + ": " + describe(failure), failure));
              }
            });
    return ready;
  }

  private static String describe(Throwable t) {
    return t instanceof java.util.concurrent.TimeoutException ? "timed out" : String.valueOf(t.getMessage());
  }

  /** Closes every connection made by this factory and stops its threads. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    parsers.shutdownNow();
  }

  /** Builds an {@link EngineClientFactory}. */
  public static final class Builder {
    private PkiLayout pki;
    private boolean plaintext;
    private boolean verifyHostName = true;
    private Duration defaultTimeout = Duration.ofSeconds(180);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private HeartBeat heartBeat = new HeartBeat(10_000, 10_000);
    private StompDecoderLimits limits = StompDecoderLimits.DEFAULTS;
    private int ioThreads = 0;
    private int parserThreads = 2;

    private Builder() {}

    /** Mutual TLS with the engine certificate, key and CA of {@code pki}. */
    public Builder pki(PkiLayout pki) {
      this.pki = requireNonNull(pki, "pki");
      this.plaintext = false;
      return this;
    }

    /** Plain TCP, no TLS (development and tests only). */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    /** Whether the host certificate must match the host name or IP connected to (default on). */
    public Builder verifyHostName(boolean verify) {
      this.verifyHostName = verify;
      return this;
    }

    /** The deadline of calls that give none (default 180 s, the engine's). */
    public Builder defaultTimeout(Duration timeout) {
      this.defaultTimeout = positive(timeout, "timeout");
      return this;
    }

    /** How long connecting (TCP, TLS, STOMP) may take (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "timeout");
      return this;
    }

    /** The heart-beat this client offers in CONNECT (default 10000,10000). */
    public Builder heartBeat(HeartBeat heartBeat) {
      this.heartBeat = requireNonNull(heartBeat, "heartBeat");
      return this;
    }

    /** Frame size limits for what hosts send. */
    public Builder limits(StompDecoderLimits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    /** I/O threads shared by all hosts (default 0: Netty's default, twice the cores). */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0");
      }
      this.ioThreads = threads;
      return this;
    }

    /**
     * Builds the factory.
     *
     * @throws IOException when the TLS material cannot be read
     */
    public EngineClientFactory build() throws IOException {
      if (!plaintext && pki == null) {
        throw new IllegalStateException("set pki(...) for mutual TLS, or plaintext()");
      }
      return new EngineClientFactory(this);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}

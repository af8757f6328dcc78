package org.ovirt.vdsm.messaging.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport both ends use: native epoll when it is available on this machine, NIO
 * otherwise. Set the system property {@code vdsm.messaging.transport=nio} to force NIO.
 */
public enum NettyTransport {
  EPOLL,
  NIO;

  /** The transport in force for this JVM. */
  public static NettyTransport best() {
    boolean forceNio = "nio".equalsIgnoreCase(System.getProperty("vdsm.messaging.transport"));
    return !forceNio && Epoll.isAvailable() ? EPOLL : NIO;
  }

  /**
   * A new event-loop group of {@code threads} threads (0 for Netty's default of twice the cores)
   * whose threads are named {@code <name>-N} and are daemons when {@code daemon} is set.
   */
  public EventLoopGroup newGroup(int threads, String name, boolean daemon) {
    IoHandlerFactory io = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, daemon), io);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}

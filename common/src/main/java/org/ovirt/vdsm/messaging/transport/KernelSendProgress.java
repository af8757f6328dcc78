package org.ovirt.vdsm.messaging.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;

/**
 * What the kernel knows about a connection's sending that Netty's writability does not tell: when
 * the socket last sent new data and last received an acknowledgement ({@code TCP_INFO}, read through
 * the native epoll transport).
 *
 * <p>Why: once a socket's send buffer is full, epoll reports it writable again only after about a
 * third of it has drained, and the kernel auto-tunes that buffer up to {@code tcp_wmem}'s maximum
 * (4 MiB by default). A peer reading 16 KiB a second then shows no progress at Netty's level for
 * over a minute. The kernel sends new data only into the window the peer's reads open, and that
 * data is acknowledged, so "new data sent and an ACK received in the last T" means "the peer read in
 * the last T". A peer that stopped reading still answers the zero-window probes (an ACK) but gets no
 * new data; a vanished peer gets retransmissions but sends no ACK. Netty 4.2's {@link EpollTcpInfo}
 * has no byte counters ({@code tcpi_bytes_acked}, {@code tcpi_notsent_bytes}), hence the two time
 * stamps.
 *
 * <p>With the NIO transport there is no such information: {@link #msSinceDataSentAndAcked}
 * answers -1 and callers judge by Netty's writability alone.
 */
public final class KernelSendProgress {
  private KernelSendProgress() {}

  /**
   * Milliseconds since the kernel both sent new data on {@code channel}'s socket and received an
   * ACK (the larger of {@code tcpi_last_data_sent} and {@code tcpi_last_ack_recv}), or -1 when the
   * transport cannot tell (NIO, or the channel is closed).
   */
  public static long msSinceDataSentAndAcked(Channel channel) {
    if (channel instanceof EpollSocketChannel epoll && epoll.isOpen()) {
      try {
        EpollTcpInfo info = epoll.tcpInfo();
        return Math.max(info.lastDataSent(), info.lastAckRecv());
      } catch (RuntimeException e) {
        return -1; // closed in the meantime
      }
    }
    return -1;
  }
}

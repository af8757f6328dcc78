package org.ovirt.vdsm.messaging.it.demo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which of a few processes owns a TCP connection on loopback, read from Linux's {@code /proc}:
 * the connection's socket inode from {@code /proc/net/tcp} and {@code tcp6} (by its local and
 * remote port), then the process whose {@code /proc/PID/fd} holds that socket. Empty where
 * {@code /proc} cannot tell (another operating system, a process of another user).
 */
final class SocketOwners {
  private SocketOwners() {}

  /**
   * The process among {@code candidates} that holds the client end of the connection from
   * {@code localPort} to {@code remotePort}.
   */
  static Optional<Long> owner(int localPort, int remotePort, List<Long> candidates) {
    requireNonNull(candidates, "candidates");
    Optional<String> inode = inode(localPort, remotePort);
    if (inode.isEmpty()) {
      return Optional.empty();
    }
    String link = "socket:[" + inode.get() + "]";
    for (long pid : candidates) {
      if (holds(pid, link)) {
        return Optional.of(pid);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> inode(int localPort, int remotePort) {
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
          if (f.length > 9 && f[1].contains(":") && port(f[1]) == localPort && port(f[2]) == remotePort) {
            return Optional.of(f[9]);
          }
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or the table is not readable: cannot tell
      }
    }
    return Optional.empty();
  }

  private static int port(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.lastIndexOf(':') + 1), 16);
  }

  private static boolean holds(long pid, String link) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(link)) {
            return true;
          }
        } catch (IOException | UnsupportedOperationException e) {
          // the descriptor was closed meanwhile
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}

package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * What one private {@link RabbitMqNode} is: node name, data directory, TLS material, loopback ports
 * (AMQP, STOMP over mutual TLS, Erlang distribution, and a private epmd port so that stopping its
 * epmd touches no other Erlang node of the machine) and the users it knows, who log in by client
 * certificate ({@code stomp.ssl_cert_login}, user = certificate CN).
 *
 * @param nodeName the short node name; the node is {@code <nodeName>@localhost}
 * @param dir the node's directory (configuration, database, logs)
 * @param pki the CA, server certificate and key of the STOMP TLS listener
 * @param amqpPort the AMQP port on 127.0.0.1 (RabbitMQ always opens one)
 * @param stompPort the STOMP-over-mutual-TLS port on 127.0.0.1
 * @param distPort the Erlang distribution port on 127.0.0.1
 * @param epmdPort the port of this node's own epmd
 * @param users the users and their permissions on the virtual host {@code /}
 */
public record RabbitMqNodeSettings(
    String nodeName,
    Path dir,
    BrokerPki pki,
    int amqpPort,
    int stompPort,
    int distPort,
    int epmdPort,
    List<RabbitMqUser> users) {

  /** Checks the components. */
  public RabbitMqNodeSettings {
    requireNonNull(nodeName, "nodeName");
    requireNonNull(dir, "dir");
    requireNonNull(pki, "pki");
    requireNonNull(users, "users");
    users = List.copyOf(users);
    if (!nodeName.matches("[a-z][a-z0-9_-]{0,30}")) {
      throw new IllegalArgumentException("not a usable node name: " + nodeName);
    }
    for (int port : new int[] {amqpPort, stompPort, distPort, epmdPort}) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }
  }

  /** A node with free loopback ports for every listener. */
  public static RabbitMqNodeSettings withFreePorts(
      String nodeName, Path dir, BrokerPki pki, List<RabbitMqUser> users) {
    return new RabbitMqNodeSettings(
        nodeName,
        dir,
        pki,
        LoopbackPorts.freePort(),
        LoopbackPorts.freePort(),
        LoopbackPorts.freePort(),
        LoopbackPorts.freePort(),
        users);
  }

  /** The full Erlang node name, {@code <nodeName>@localhost}. */
  public String fullNodeName() {
    return nodeName + "@localhost";
  }
}

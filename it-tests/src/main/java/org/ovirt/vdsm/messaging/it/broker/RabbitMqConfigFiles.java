package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the files of a private RabbitMQ node into its directory: {@code rabbitmq.conf} (loopback
 * listeners, STOMP over mutual TLS only, certificate login), {@code enabled_plugins} (STOMP and the
 * EXTERNAL mechanism) and {@code definitions.json} (vhost {@code /}, password-less users, their
 * permissions), imported when the node boots. Also says which environment the node runs with.
 */
final class RabbitMqConfigFiles {

  private final RabbitMqNodeSettings settings;

  RabbitMqConfigFiles(RabbitMqNodeSettings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  Path configFile() {
    return settings.dir().resolve("rabbitmq.conf");
  }

  Path pluginsFile() {
    return settings.dir().resolve("enabled_plugins");
  }

  Path definitionsFile() {
    return settings.dir().resolve("definitions.json");
  }

  Path pidFile() {
    return settings.dir().resolve("rabbitmq.pid");
  }

  Path logDir() {
    return settings.dir().resolve("log");
  }

  /** Writes (or rewrites) the three files. */
  void write() throws IOException {
    Files.createDirectories(settings.dir());
    Files.createDirectories(logDir());
    Files.writeString(configFile(), config(), StandardCharsets.UTF_8);
    Files.writeString(
        pluginsFile(), "[rabbitmq_stomp,rabbitmq_auth_mechanism_ssl].\n", StandardCharsets.UTF_8);
    Files.writeString(definitionsFile(), definitions(), StandardCharsets.UTF_8);
  }

  /** The text of {@code rabbitmq.conf}. */
  String config() {
    BrokerPki pki = settings.pki();
    return String.join(
        "\n",
        "listeners.tcp.1 = " + LoopbackPorts.HOST + ":" + settings.amqpPort(),
        "loopback_users = none",
        "load_definitions = " + definitionsFile().toAbsolutePath(),
        "stomp.listeners.tcp = none",
        "stomp.listeners.ssl.1 = " + LoopbackPorts.HOST + ":" + settings.stompPort(),
        "stomp.ssl_cert_login = true",
        "ssl_cert_login_from = common_name",
        "ssl_options.cacertfile = " + pki.caCertificate().toAbsolutePath(),
        "ssl_options.certfile = " + pki.brokerCertificate().toAbsolutePath(),
        "ssl_options.keyfile = " + pki.brokerKey().toAbsolutePath(),
        "ssl_options.verify = verify_peer",
        "ssl_options.fail_if_no_peer_cert = true",
        "ssl_options.versions.1 = tlsv1.3",
        "ssl_options.versions.2 = tlsv1.2",
        "");
  }

  /** The JSON of {@code definitions.json}. */
  String definitions() {
    JsonObject root = new JsonObject();
    JsonArray vhosts = new JsonArray();
    JsonObject vhost = new JsonObject();
    vhost.addProperty("name", "/");
    vhosts.add(vhost);
    JsonArray users = new JsonArray();
    JsonArray permissions = new JsonArray();
    for (RabbitMqUser user : settings.users()) {
      JsonObject u = new JsonObject();
      u.addProperty("name", user.name());
      u.addProperty("password_hash", "");
      u.addProperty("hashing_algorithm", "rabbit_password_hashing_sha256");
      u.addProperty("tags", "");
      users.add(u);
      JsonObject p = new JsonObject();
      p.addProperty("user", user.name());
      p.addProperty("vhost", "/");
      p.addProperty("configure", user.configure());
      p.addProperty("write", user.write());
      p.addProperty("read", user.read());
      permissions.add(p);
    }
    root.add("vhosts", vhosts);
    root.add("users", users);
    root.add("permissions", permissions);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root);
  }

  /**
   * The environment of {@code rabbitmq-server} and {@code rabbitmqctl} for this node: everything in
   * its own directory, the Erlang cookie included ({@code HOME}), no {@code rabbitmq-env.conf}.
   */
  Map<String, String> environment() {
    Path dir = settings.dir().toAbsolutePath();
    Map<String, String> env = new TreeMap<>();
    env.put("HOME", dir.toString());
    env.put("RABBITMQ_NODENAME", settings.fullNodeName());
    env.put("RABBITMQ_NODE_IP_ADDRESS", LoopbackPorts.HOST);
    env.put("RABBITMQ_NODE_PORT", Integer.toString(settings.amqpPort()));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(settings.distPort()));
    env.put("ERL_EPMD_ADDRESS", LoopbackPorts.HOST);
    // The distribution listener binds every interface unless told otherwise.
    env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
    env.put("ERL_EPMD_PORT", Integer.toString(settings.epmdPort()));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", logDir().toAbsolutePath().toString());
    env.put("RABBITMQ_CONFIG_FILE", configFile().toAbsolutePath().toString());
    env.put("RABBITMQ_PID_FILE", pidFile().toAbsolutePath().toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", pluginsFile().toAbsolutePath().toString());
    env.put("RABBITMQ_CONF_ENV_FILE", "/dev/null");
    return env;
  }
}

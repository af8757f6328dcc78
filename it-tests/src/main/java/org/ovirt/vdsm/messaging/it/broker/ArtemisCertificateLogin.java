package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.TextFileCertificateLoginModule;
import org.ovirt.vdsm.messaging.tls.Pem;

/**
 * Certificate login for an {@link EmbeddedArtemis} node with Artemis' own JAAS module ({@link
 * TextFileCertificateLoginModule}): a client is the user whose line in {@code cert-users.properties}
 * names its certificate's subject DN exactly, in the form the JDK prints it ({@code CN=host1,
 * O=oVirt development}); a certificate of the CA that is not listed is refused
 * at CONNECT. Authorization by address ("security settings"): the engine may do everything; VDSM
 * host H may consume only {@code vdsm.requests.H.#}, send to {@code vdsm.replies.#} and {@code
 * vdsm.events.H.#}, and nothing else, so host A cannot consume host B's requests.
 */
public final class ArtemisCertificateLogin {

  private static final String DOMAIN = "vdsm-certificates";
  private static final String USERS = "cert-users.properties";
  private static final String ROLES = "cert-roles.properties";
  private static final String ENGINE_ROLE = "engine";
  /** Every host: may send (and so auto-create) reply queues; the engine alone consumes them. */
  private static final String HOSTS_ROLE = "hosts";

  private final Path dir;
  private final Map<String, Set<Role>> securityRoles;

  private ArtemisCertificateLogin(Path dir, Map<String, Set<Role>> securityRoles) {
    this.dir = dir;
    this.securityRoles = securityRoles;
  }

  /**
   * Writes the users and roles files into {@code dir} for the engine of {@code pki} and the hosts
   * {@code hostIds} (their certificates are issued by {@link BrokerPki#client} if needed).
   */
  public static ArtemisCertificateLogin write(Path dir, BrokerPki pki, List<String> hostIds)
      throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(pki, "pki");
    requireNonNull(hostIds, "hostIds");
    Map<String, String> users = new LinkedHashMap<>();
    users.put(ENGINE_ROLE, subject(pki.engine().certificate()));
    StringBuilder roles = new StringBuilder(ENGINE_ROLE + "=" + ENGINE_ROLE + "\n");
    roles.append(HOSTS_ROLE).append('=').append(String.join(",", hostIds)).append('\n');
    Map<String, Set<Role>> securityRoles = new HashMap<>();
    Role engine = role(ENGINE_ROLE, true, true, true);
    securityRoles.put("#", Set.of(engine));
    securityRoles.put("vdsm.replies.#", Set.of(engine, role(HOSTS_ROLE, true, false, false)));
    for (String hostId : hostIds) {
      users.put(hostId, subject(pki.client(hostId).certificate()));
      roles.append(roleOf(hostId)).append('=').append(hostId).append('\n');
      securityRoles.put(
          "vdsm.requests." + hostId + ".#",
          Set.of(engine, role(roleOf(hostId), false, true, true)));
      securityRoles.put(
          "vdsm.events." + hostId + ".#", Set.of(engine, role(roleOf(hostId), true, false, false)));
    }
    Files.createDirectories(dir);
    StringBuilder userLines = new StringBuilder();
    users.forEach((user, dn) -> userLines.append(user).append('=').append(dn).append('\n'));
    Files.writeString(dir.resolve(USERS), userLines, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(ROLES), roles, StandardCharsets.UTF_8);
    return new ArtemisCertificateLogin(dir, Map.copyOf(securityRoles));
  }

  /** The role-based security settings by address match, for {@code setSecurityRoles}. */
  public Map<String, Set<Role>> securityRoles() {
    return securityRoles;
  }

  /** A new security manager that logs clients in by certificate only. */
  public ActiveMQSecurityManager securityManager() {
    CertificateModule certificates = new CertificateModule(dir);
    return new ActiveMQJAASSecurityManager(DOMAIN, DOMAIN, certificates, certificates);
  }

  private static String roleOf(String hostId) {
    return "host-" + hostId;
  }

  /**
   * A role: {@code send} to the address, {@code consume} from its queues, {@code create} its
   * address and queues (STOMP auto-creates them on SEND and SUBSCRIBE).
   */
  private static Role role(String name, boolean send, boolean consume, boolean create) {
    boolean creates = create || send;
    // name, send, consume, create/delete durable queue, create/delete non-durable queue, manage,
    // browse, create/delete address, view, edit
    return new Role(
        name, send, consume, creates, creates, creates, creates, false, consume, creates, creates,
        false, false);
  }

  private static String subject(Path certificate) throws IOException {
    // The module compares the certificate's DN as the JDK prints it ("CN=a, O=b"), not RFC 2253.
    return Pem.readCertificate(certificate).getSubjectX500Principal().toString();
  }

  /** Artemis' certificate login module over the two properties files of {@code dir}. */
  private static final class CertificateModule extends SecurityConfiguration {
    private final Path dir;

    CertificateModule(Path dir) {
      this.dir = dir;
    }

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
      Map<String, Object> options = new HashMap<>();
      options.put("baseDir", dir.toAbsolutePath().toString());
      options.put("org.apache.activemq.jaas.textfiledn.user", USERS);
      options.put("org.apache.activemq.jaas.textfiledn.role", ROLES);
      List<AppConfigurationEntry> entries = new ArrayList<>();
      entries.add(
          new AppConfigurationEntry(
              TextFileCertificateLoginModule.class.getName(),
              LoginModuleControlFlag.REQUIRED,
              options));
      return entries.toArray(new AppConfigurationEntry[0]);
    }
  }
}

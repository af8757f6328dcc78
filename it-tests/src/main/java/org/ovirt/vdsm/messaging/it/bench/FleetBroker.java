package org.ovirt.vdsm.messaging.it.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.ovirt.vdsm.messaging.it.broker.ArtemisCertificateLogin;
import org.ovirt.vdsm.messaging.it.broker.ArtemisNodeSettings;
import org.ovirt.vdsm.messaging.it.broker.BrokerPki;
import org.ovirt.vdsm.messaging.it.broker.EmbeddedArtemis;

/**
 * The Artemis node of {@link FleetSizing}, alone in its JVM so that its memory can be measured:
 * {@code FleetBroker DIR HOSTS} makes a PKI in {@code DIR} with a certificate per host id of {@link
 * FleetSizing#hostIds}, starts an {@link EmbeddedArtemis} with certificate login and per-host
 * rights for them, and prints {@code ready PORT CLIENTS_DIR}. Then it answers commands on standard
 * input, one per line: {@code heap} prints {@code heap BYTES} (used heap after full collections);
 * {@code quit} or end of input stops the broker and exits.
 */
public final class FleetBroker {
  private FleetBroker() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "demo-logback.xml");
    }
    Path dir = Path.of(args[0]);
    List<String> hosts = FleetSizing.hostIds(Integer.parseInt(args[1]));
    BrokerPki pki = BrokerPki.generate(dir.resolve("pki"));
    ArtemisCertificateLogin login = ArtemisCertificateLogin.write(dir.resolve("login"), pki, hosts);
    try (EmbeddedArtemis artemis = EmbeddedArtemis.start(
        ArtemisNodeSettings.singleNode("fleet-artemis", dir.resolve("artemis"), pki).withCertificateLogin(login))) {
      System.out.println("ready " + artemis.stompPort() + " " + pki.client(hosts.get(0)).certificate().getParent()
          + " " + artemis.server().getVersion().getFullVersion());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        if (line.equals("heap")) {
          System.out.println("heap " + usedHeapAfterGc());
        }
      }
    }
    System.exit(0);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200); // lets reference processing and a concurrent cycle finish between collections
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}

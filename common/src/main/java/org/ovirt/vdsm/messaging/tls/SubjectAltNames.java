package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/**
 * The subject alternative names of a server certificate from the host names and addresses it is
 * issued for: IPv4 and IPv6 literals (also {@code [::1]} as in URLs) become IP address entries,
 * anything else must be a DNS name (letters, digits, {@code - . _}, a leading {@code *.}); duplicates
 * (ignoring case) are dropped, the order is kept.
 */
final class SubjectAltNames {
  private SubjectAltNames() {}

  /**
   * @throws IllegalArgumentException naming the entry that is neither an address nor a host name
   */
  static GeneralNames of(List<String> namesAndAddresses) {
    Set<String> seen = new LinkedHashSet<>();
    List<GeneralName> names = new ArrayList<>();
    for (String raw : namesAndAddresses) {
      requireNonNull(raw, "host name or address");
      String value = raw.strip();
      if (value.startsWith("[") && value.endsWith("]")) {
        value = value.substring(1, value.length() - 1);
      }
      if (IPAddress.isValidIPv4(value) || IPAddress.isValidIPv6(value)) {
        if (seen.add("ip:" + value.toLowerCase(Locale.ROOT))) {
          names.add(new GeneralName(GeneralName.iPAddress, value));
        }
      } else {
        checkDnsName(value, raw);
        if (seen.add("dns:" + value.toLowerCase(Locale.ROOT))) {
          names.add(new GeneralName(GeneralName.dNSName, value));
        }
      }
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static void checkDnsName(String name, String raw) {
    if (name.isEmpty() || name.length() > 253) {
      throw new IllegalArgumentException("not a host name or IP address: '" + raw + "'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || (c == '*' && i == 0 && name.startsWith("*."));
      if (!ok) {
        throw new IllegalArgumentException("not a host name or IP address: '" + raw + "'");
      }
    }
  }
}

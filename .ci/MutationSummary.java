import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints per-package mutation scores from a PIT {@code mutations.xml}: killed (KILLED or TIMED_OUT, as PIT
 * counts them), survived, no coverage, total, and the surviving mutants by class, method and line.
 * Usage: {@code java .ci/MutationSummary.java <module>/target/pit-reports/mutations.xml}.
 */
public final class MutationSummary {

  private MutationSummary() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java MutationSummary.java <mutations.xml>");
      System.exit(64);
    }
    Path report = Path.of(args[0]);
    if (!Files.isRegularFile(report)) {
      System.out.println("mutation summary: no report at " + report + " (nothing mutated in this module)");
      return;
    }
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    NodeList mutations = factory.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("mutation");
    Map<String, int[]> byPackage = new TreeMap<>();
    StringBuilder survivors = new StringBuilder();
    for (int i = 0; i < mutations.getLength(); i++) {
      Element m = (Element) mutations.item(i);
      String status = m.getAttribute("status");
      String clazz = text(m, "mutatedClass");
      int dot = clazz.lastIndexOf('.');
      int[] counts = byPackage.computeIfAbsent(dot < 0 ? "" : clazz.substring(0, dot), k -> new int[4]);
      counts[3]++;
      switch (status) {
        case "KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR" -> counts[0]++;
        case "NO_COVERAGE" -> counts[2]++;
        default -> counts[1]++;
      }
      if (!status.equals("KILLED") && !status.equals("TIMED_OUT")) {
        survivors.append(String.format("  %-11s %s.%s:%s %s%n", status, clazz.substring(dot + 1),
            text(m, "mutatedMethod"), text(m, "lineNumber"), text(m, "description")));
      }
    }
    System.out.printf("%-50s %7s %8s %8s %6s %7s%n", "package", "killed", "survived", "no-cov", "total", "score");
    int[] all = new int[4];
    byPackage.forEach((pkg, c) -> {
      print(pkg, c);
      for (int k = 0; k < 4; k++) {
        all[k] += c[k];
      }
    });
    print("(all)", all);
    if (survivors.length() > 0) {
      System.out.print("not killed:\n" + survivors);
    }
  }

  private static void print(String name, int[] c) {
    System.out.printf("%-50s %7d %8d %8d %6d %6.1f%%%n", name, c[0], c[1], c[2], c[3],
        c[3] == 0 ? 100.0 : 100.0 * c[0] / c[3]);
  }

  private static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent();
  }
}

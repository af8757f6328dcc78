package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean": the known name closest to a mistyped one by edit distance (an insertion, a
 * deletion, a substitution or a swap of neighbours each count one), ignoring case, when it is close
 * enough to be a typo.
 */
final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate closest to {@code typed}, if its distance is at most a third of the typed length
   * (at least 1, at most 3) or it differs only in letter case; ties go to the first candidate.
   */
  static Optional<String> closest(String typed, Collection<String> candidates) {
    requireNonNull(typed, "typed");
    requireNonNull(candidates, "candidates");
    String lower = typed.toLowerCase(Locale.ROOT);
    int limit = Math.max(1, Math.min(3, typed.length() / 3));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** "; did you mean X?" or "" when nothing is close. */
  static String didYouMean(String typed, Collection<String> candidates) {
    return closest(typed, candidates).map(s -> "; did you mean " + s + "?").orElse("");
  }

  /**
   * The edit distance of {@code a} and {@code b}: insertions, deletions, substitutions and swaps of
   * two adjacent characters count one each (optimal string alignment), as typing errors go.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

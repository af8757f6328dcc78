package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean": the known name closest to a mistyped one by edit distance (Levenshtein: one
 * insertion, deletion or substitution each), ignoring case, when it is close enough to be a typo.
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

  /** The Levenshtein distance of {@code a} and {@code b}, in two rows of memory. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

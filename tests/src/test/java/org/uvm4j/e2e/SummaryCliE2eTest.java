package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code --summary}: the one-screen summary at exit, with the machine's totals and one line per
 * process whose numbers are that process's share: fork_cow's child copies the 8 pages it writes.
 */
class SummaryCliE2eTest {
  private static final Pattern ROW =
      Pattern.compile(
          "^\\s*(\\d+) (\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");

  @Test
  void summaryShowsTotalsAndEachProcessesShare() throws Exception {
    GuestRun got = Uvm4jRuns.cli(List.of("run", "--summary", Guests.binary("fork_cow").toString()));
    assertThat(got.status()).as(got.toString()).isZero();
    List<String> lines = got.stderr().lines().toList();
    assertThat(lines.get(0)).as(got.toString()).startsWith("uvm4j summary: 3 processes,");
    assertThat(lines).anyMatch(l -> l.startsWith("faults "));
    assertThat(lines).anyMatch(l -> l.startsWith("paging "));
    assertThat(lines).anyMatch(l -> l.matches("resident  peak [1-9]\\d* frames .*"));
    Matcher cow = Pattern.compile("COW copies (\\d+)").matcher(got.stderr());
    assertThat(cow.find()).isTrue();
    long totalCow = Long.parseLong(cow.group(1));
    Map<Integer, long[]> rows = new TreeMap<>();
    for (String l : lines) {
      Matcher m = ROW.matcher(l);
      if (m.matches()) {
        assertThat(m.group(2)).isEqualTo("fork_cow");
        rows.put(
            Integer.parseInt(m.group(1)),
            new long[] {Long.parseLong(m.group(4)), Long.parseLong(m.group(5))});
      }
    }
    assertThat(rows.keySet()).as(got.toString()).containsExactly(1, 2, 3);
    // the child writes pattern 2 into all 8 pages it shares with its parent: 8 copies at least
    assertThat(rows.get(2)[1]).as(got.toString()).isGreaterThanOrEqualTo(8);
    // the grandchild writes the first half: 4 copies at least
    assertThat(rows.get(3)[1]).as(got.toString()).isGreaterThanOrEqualTo(4);
    long sum = rows.values().stream().mapToLong(r -> r[1]).sum();
    assertThat(sum)
        .as("per-process shares add up to at most the total")
        .isLessThanOrEqualTo(totalCow);
  }
}

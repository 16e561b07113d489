package org.uvm4j.conformance;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a kernel selftest run reports: the counts of kselftest's {@code # Totals:} line (pass, fail,
 * xfail, xpass, skip, error) when the test prints one, else the counts of the x86 selftests' {@code
 * [OK]}, {@code [FAIL]} and {@code [SKIP]} lines; and the exit status. Two runs conform when these
 * are equal.
 */
record KselftestCounts(
    int pass, int fail, int xfail, int xpass, int skip, int error, int status, boolean totals) {

  private static final Pattern TOTALS =
      Pattern.compile(
          "# Totals: pass:(\\d+) fail:(\\d+) xfail:(\\d+) xpass:(\\d+) skip:(\\d+) error:(\\d+)");

  /** The counts of a run's output (stdout and stderr together) and exit status. */
  static KselftestCounts parse(String output, int status) {
    Matcher m = TOTALS.matcher(output);
    if (m.find()) {
      return new KselftestCounts(
          Integer.parseInt(m.group(1)),
          Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)),
          Integer.parseInt(m.group(4)),
          Integer.parseInt(m.group(5)),
          Integer.parseInt(m.group(6)),
          status,
          true);
    }
    int ok = 0;
    int fail = 0;
    int skip = 0;
    for (String line : output.split("\n", -1)) {
      if (line.startsWith("[OK]")) {
        ok++;
      } else if (line.startsWith("[FAIL]")) {
        fail++;
      } else if (line.startsWith("[SKIP]")) {
        skip++;
      }
    }
    return new KselftestCounts(ok, fail, 0, 0, skip, 0, status, false);
  }

  @Override
  public String toString() {
    return String.format(
        "%s pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d exit:%d",
        totals ? "Totals" : "[OK]/[FAIL]/[SKIP]", pass, fail, xfail, xpass, skip, error, status);
  }
}

package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1: guest {@code meta_budget} drives the host's VM metadata as far as it can (64 GiB
 * shared anonymous regions with 16 pages written 2 MiB apart in each, until mmap fails; then brk,
 * mremap and fork; then a child writing one page every 2 MiB of a region). Under a small Java heap
 * with the default budget (half the heap) and under an explicit {@code --metadata-budget}, the
 * guest gets ENOMEM from each call and the child is OOM-killed (SIGKILL, one line naming the
 * budget), and the JVM never runs out of memory. Without the budget the same run under {@code
 * -Xmx128m} ended with "the JVM ran out of memory" and exit 125 (measured with {@code
 * --metadata-budget 1T}).
 */
class MetadataBudgetTest {
  private static final String EXPECTED =
      "mmap: ENOMEM after several mappings\n"
          + "every page written is intact\n"
          + "brk growth refused: yes\n"
          + "mremap growth: ENOMEM\n"
          + "fork: ENOMEM\n"
          + "the child writing 32,768 pages: killed by SIGKILL\n"
          + "the parent maps and writes again after the child's death\n";

  private static void assertBudgetRun(GuestRun got, String budget) {
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.stdout()).as(got.toString()).isEqualTo(EXPECTED);
    assertThat(got.stderr())
        .as(got.toString())
        .contains("uvm4j: out of memory: the guests' VM metadata reached its budget of " + budget)
        .doesNotContain("JVM ran out of memory")
        .doesNotContain("Exception");
  }

  @Test
  void theDefaultBudgetKeepsASmallHeapFromRunningOut() throws Exception {
    GuestRun got =
        Uvm4jRuns.cli(List.of("-Xmx128m"), List.of("run", Guests.binary("meta_budget").toString()));
    assertBudgetRun(got, "");
  }

  @Test
  void anExplicitBudgetIsReportedAndEverythingIsGivenBack() throws Exception {
    GuestRun got =
        Uvm4jRuns.cli(
            List.of(
                "run",
                "--metadata-budget",
                "4M",
                "--stats",
                Guests.binary("meta_budget").toString()));
    assertBudgetRun(got, "4096 KiB");
    assertThat(got.stderr())
        .contains("\nkern_meta_bytes 0\n")
        .contains("\nkern_meta_limit 4194304\n")
        .contains("\nkern_meta_refused 4\n")
        .contains("\nkern_oomkills 1\n");
  }

  @Test
  void aBudgetBelowOneMebibyteIsAUsageError() throws Exception {
    GuestRun got =
        Uvm4jRuns.cli(
            List.of("run", "--metadata-budget", "64K", Guests.binary("hello").toString()));
    assertThat(got.status()).as(got.toString()).isNotZero();
    assertThat(got.stderr()).contains("--metadata-budget");
  }
}
